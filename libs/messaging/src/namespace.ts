// Names of subjects and streams under an optional namespace, so tests and parallel local runs share
// one NATS server without seeing each other (TOOLCHAIN 23). The empty namespace is production: every
// name is used exactly as declared in @auraison/contracts.
import { dlqSubject, type StreamDeclaration } from '@auraison/contracts';

/** Same rule as MP_NATS_NAMESPACE in @auraison/config: lowercase letters and digits, at most 16. */
const PREFIX = /^[a-z][a-z0-9]{0,15}$/;

export class Namespace {
  /** The subject prefix (`t1a2b`), empty in production. */
  readonly prefix: string;

  constructor(prefix = '') {
    if (prefix !== '' && !PREFIX.test(prefix))
      throw new Error(
        `invalid NATS namespace ${JSON.stringify(prefix)}: use lowercase letters and digits, starting with a letter, at most 16`,
      );
    this.prefix = prefix;
  }

  /** True for the production namespace (names unchanged). */
  get isRoot(): boolean {
    return this.prefix === '';
  }

  /** Prefix of every stream name in this namespace (`T1A2B_`), empty in production. */
  get streamPrefix(): string {
    return this.prefix ? `${this.prefix.toUpperCase()}_` : '';
  }

  /** `mp.agent.events` → `t1a2b.mp.agent.events`. */
  subject(subject: string): string {
    return this.prefix ? `${this.prefix}.${subject}` : subject;
  }

  /** The declared subject of a namespaced one (`t1a2b.mp.agent.events` → `mp.agent.events`). */
  localSubject(subject: string): string {
    const head = `${this.prefix}.`;
    return this.prefix && subject.startsWith(head) ? subject.slice(head.length) : subject;
  }

  /** `MP_AGENT_EVENTS` → `T1A2B_MP_AGENT_EVENTS`. */
  stream(name: string): string {
    return `${this.streamPrefix}${name}`;
  }

  /**
   * The dead-letter subject of a declared stream: `t1a2b.mp.dlq.MP_AGENT_EVENTS`. The suffix keeps the
   * declared stream name so the namespaced `MP_DLQ` stream (`t1a2b.mp.dlq.>`) binds it.
   */
  dlqSubject(declaredStream: string): string {
    return this.subject(dlqSubject(declaredStream));
  }

  /** A stream declaration with its name and subjects in this namespace. */
  streamDeclaration(declaration: StreamDeclaration): StreamDeclaration {
    return {
      ...declaration,
      name: this.stream(declaration.name),
      subjects: declaration.subjects.map((s) => this.subject(s)),
    };
  }

  toString(): string {
    return this.prefix || '(root)';
  }
}
