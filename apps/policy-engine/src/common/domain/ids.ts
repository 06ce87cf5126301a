// Identifier formats accepted at the edges.
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Job ids: printable ASCII without spaces, like event ids (they travel as NATS headers too). */
export const JOB_ID = /^[\x21-\x7e]{1,200}$/;
export const TRACE_ID = /^[0-9a-f]{32}$/;
