// Decodes and encodes NATS payloads of the plane. Payloads are protobuf; proto3 JSON (camelCase or
// the original snake_case names) is accepted when the message says `Content-Type: application/json`,
// because the control plane is Python. Anything else is rejected with a precise CodecError.
import {
  createFileRegistry,
  fromBinary,
  fromJson,
  toBinary,
  toJson,
  type DescMessage,
  type FileRegistry,
  type JsonValue,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { DESCRIPTOR_SET_BASE64 } from './gen/descriptor-set.js';
import type { MessageType } from './message-types.js';

export const CONTENT_TYPE_HEADER = 'Content-Type';
export const CONTENT_TYPE_PROTOBUF = 'application/protobuf';
export const CONTENT_TYPE_JSON = 'application/json';

const PROTOBUF_CONTENT_TYPES = new Set([
  CONTENT_TYPE_PROTOBUF,
  'application/x-protobuf',
  'application/vnd.google.protobuf',
  'application/octet-stream',
]);

export type CodecErrorKind = 'content-type' | 'json' | 'protobuf' | 'validation';

/** A payload that cannot become a valid message. `reason` is what operators read in the DLQ. */
export class CodecError extends Error {
  constructor(
    readonly kind: CodecErrorKind,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'CodecError';
  }
}

export type PayloadFormat = 'protobuf' | 'json';

/** The payload format a Content-Type header announces; throws CodecError for anything unsupported. */
export function formatOf(contentType: string | null | undefined): PayloadFormat {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === '' || PROTOBUF_CONTENT_TYPES.has(media)) return 'protobuf';
  if (media === CONTENT_TYPE_JSON) return 'json';
  throw new CodecError(
    'content-type',
    `unsupported Content-Type ${JSON.stringify(contentType)}: send protobuf (no Content-Type or ` +
      `${CONTENT_TYPE_PROTOBUF}) or proto3 JSON with Content-Type ${CONTENT_TYPE_JSON}`,
  );
}

let registry: FileRegistry | undefined;

function schemaOf(typeName: string): DescMessage {
  registry ??= createFileRegistry(
    fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
  );
  const schema = registry.getMessage(typeName);
  if (!schema) throw new Error(`unknown message type ${typeName}`);
  return schema;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(typeName: string, data: Uint8Array): Uint8Array {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw new CodecError('json', `${typeName}: JSON payload is not valid UTF-8`);
  }
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new CodecError('json', `${typeName}: payload is not JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new CodecError('json', `${typeName}: JSON payload must be an object`);
  const schema = schemaOf(typeName);
  try {
    return toBinary(schema, fromJson(schema, value));
  } catch (e) {
    throw new CodecError('json', `${typeName}: ${(e as Error).message}`);
  }
}

/**
 * Decodes `data` as `type` in the format its Content-Type announces, then validates it. Throws a
 * CodecError saying exactly what is wrong.
 */
export function decodeMessage<T>(type: MessageType<T>, data: Uint8Array, contentType?: string | null): T {
  const format = formatOf(contentType);
  const binary = format === 'json' ? parseJson(type.typeName, data) : data;
  let message: T;
  try {
    message = type.decode(binary);
  } catch (e) {
    throw new CodecError('protobuf', `${type.typeName}: invalid protobuf: ${(e as Error).message}`);
  }
  const problems = type.validate(message);
  if (problems.length > 0) throw new CodecError('validation', `${type.typeName}: ${problems.join('; ')}`);
  return message;
}

export interface EncodedPayload {
  data: Uint8Array;
  contentType: string;
}

/**
 * Encodes a message as protobuf (default) or proto3 JSON. JSON uses the original proto field names
 * (snake_case) unless `camelCase` is set.
 */
export function encodeMessage<T>(
  type: MessageType<T>,
  message: T,
  format: PayloadFormat = 'protobuf',
  options: { camelCase?: boolean } = {},
): EncodedPayload {
  const binary = type.encode(message);
  if (format === 'protobuf') return { data: binary, contentType: CONTENT_TYPE_PROTOBUF };
  return {
    data: Buffer.from(JSON.stringify(toProtoJson(type, message, options))),
    contentType: CONTENT_TYPE_JSON,
  };
}

/** The proto3 JSON form of a message (original snake_case names unless `camelCase`). */
export function toProtoJson<T>(
  type: MessageType<T>,
  message: T,
  options: { camelCase?: boolean } = {},
): JsonValue {
  const schema = schemaOf(type.typeName);
  return toJson(schema, fromBinary(schema, type.encode(message)), { useProtoFieldName: !options.camelCase });
}

/** The embedded FileDescriptorSet of every contract (for gRPC reflection and tooling). */
export function descriptorSetBytes(): Buffer {
  return Buffer.from(DESCRIPTOR_SET_BASE64, 'base64');
}
