// Decision search tokenizes text here, in one place, both when events are stored (the lexemes of their
// tool inputs and outputs) and when a query arrives, so that both sides always agree. A token is a run
// of letters, digits and underscores, lowercased; PostgreSQL only stores and intersects them (a
// tsvector built with array_to_tsvector, queried with a tsquery of the same tokens).

const TOKEN_SPLIT = /[^\p{L}\p{N}_]+/u;
/** Longer runs (base64, hashes) are not words anyone searches for. */
export const MAX_TOKEN_CHARS = 64;
/** Distinct tokens kept per event. */
export const MAX_TOKENS_PER_EVENT = 2000;
/** Characters of each tool input (as JSON) and output that are indexed. */
export const INDEXED_INPUT_CHARS = 4096;
export const INDEXED_OUTPUT_CHARS = 16_384;
/** Tokens of one search query. */
export const MAX_QUERY_TOKENS = 16;

function addTokens(text: string, into: Set<string>): void {
  for (const raw of text.toLowerCase().split(TOKEN_SPLIT)) {
    if (raw.length === 0 || raw.length > MAX_TOKEN_CHARS) continue;
    into.add(raw);
    if (into.size >= MAX_TOKENS_PER_EVENT) return;
  }
}

/** The distinct tokens of a text (a query, or one tool call when highlighting matches). */
export function tokensOf(text: string): string[] {
  const set = new Set<string>();
  addTokens(text, set);
  return [...set];
}

/** The lexemes indexed for an agent event: tool names, inputs and outputs (each truncated). */
export function searchTokens(
  calls: ReadonlyArray<{ tool: string; input?: unknown; output: string }>,
): string[] {
  const set = new Set<string>();
  for (const call of calls) {
    if (set.size >= MAX_TOKENS_PER_EVENT) break;
    addTokens(call.tool, set);
    if (call.input !== undefined) addTokens(JSON.stringify(call.input).slice(0, INDEXED_INPUT_CHARS), set);
    addTokens(call.output.slice(0, INDEXED_OUTPUT_CHARS), set);
  }
  return [...set];
}

/** Tokens of one tool call, for telling which calls of a found event match a query. */
export function callTokens(call: { tool: string; input?: unknown; output?: string }): Set<string> {
  const set = new Set<string>();
  addTokens(call.tool, set);
  if (call.input !== undefined) addTokens(JSON.stringify(call.input).slice(0, INDEXED_INPUT_CHARS), set);
  addTokens((call.output ?? '').slice(0, INDEXED_OUTPUT_CHARS), set);
  return set;
}

/** A PostgreSQL tsquery text requiring every token (tokens are letters, digits and `_` only). */
export function tsqueryOf(tokens: readonly string[]): string {
  return tokens.map((t) => `'${t}'`).join(' & ');
}
