/**
 * Which queued WebSocket frame a newer one from the same socket makes redundant, read from the
 * raw bytes (no decode). A status-only report — instance_uid, sequence_num, capabilities and at
 * most health, nothing else — that a consecutive one from the same agent repeats, changing
 * nothing but health's status time, says nothing the newer one does not: under load the newer
 * takes its place in the queue, and the pair is handled as one message (answered once each).
 * Anything else — a config status, an effective config, a description, a disconnect, flags, a
 * frame this reader does not fully understand — is never superseded and never supersedes.
 */

/** A frame's OpAMP header (the varint 0) and the AgentToServer fields that matter here. */
export interface StatusOnlyReport {
  readonly frame: Uint8Array;
  /** [start, end) of instance_uid's bytes. */
  readonly uid: readonly [number, number];
  readonly sequenceNum: number;
  readonly capabilities: number;
  /** [start, end) of health's bytes; null when the report has none. */
  readonly health: readonly [number, number] | null;
}

const INSTANCE_UID = 1;
const SEQUENCE_NUM = 2;
const CAPABILITIES = 4;
const HEALTH = 5;
/** ComponentHealth.status_time_unix_nano: the part of health a newer report may change. */
const STATUS_TIME = 5;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** One protobuf field: its number, wire type, where its value is and where it ends. */
interface Field {
  number: number;
  wireType: number;
  /** The varint's value (wire type 0); 0 otherwise. */
  value: number;
  valueStart: number;
  end: number;
}

/** A varint at `at` as a number and where it ends; null past 2^53 or past `end`. */
function readVarint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i - at < 8; i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  return null;
}

/** The field at `at`, or null when it is malformed or of a wire type not read here. */
function readField(bytes: Uint8Array, at: number, end: number): Field | null {
  const tag = readVarint(bytes, at, end);
  if (tag === null) return null;
  const number = Math.floor(tag.value / 8);
  const wireType = tag.value % 8;
  switch (wireType) {
    case VARINT: {
      const v = readVarint(bytes, tag.next, end);
      return v === null ? null : { number, wireType, value: v.value, valueStart: tag.next, end: v.next };
    }
    case FIXED64:
    case FIXED32: {
      const next = tag.next + (wireType === FIXED64 ? 8 : 4);
      return next > end ? null : { number, wireType, value: 0, valueStart: tag.next, end: next };
    }
    case LENGTH_DELIMITED: {
      const length = readVarint(bytes, tag.next, end);
      if (length === null || length.next + length.value > end) return null;
      return { number, wireType, value: 0, valueStart: length.next, end: length.next + length.value };
    }
    default:
      return null;
  }
}

/** The frame as a status-only report, or null when it is anything else. */
export function readStatusOnlyReport(frame: Uint8Array): StatusOnlyReport | null {
  if (frame[0] !== 0) return null;
  let uid: [number, number] | null = null;
  let sequenceNum: number | null = null;
  let capabilities: number | null = null;
  let health: [number, number] | null = null;
  for (let at = 1; at < frame.length; ) {
    const field = readField(frame, at, frame.length);
    if (field === null) return null;
    at = field.end;
    // A field given twice is merged by protobuf: left to the decoder.
    if (field.number === INSTANCE_UID && field.wireType === LENGTH_DELIMITED && uid === null) uid = [field.valueStart, field.end];
    else if (field.number === SEQUENCE_NUM && field.wireType === VARINT && sequenceNum === null) sequenceNum = field.value;
    else if (field.number === CAPABILITIES && field.wireType === VARINT && capabilities === null) capabilities = field.value;
    else if (field.number === HEALTH && field.wireType === LENGTH_DELIMITED && health === null) health = [field.valueStart, field.end];
    else return null;
  }
  if (uid === null) return null;
  return { frame, uid, sequenceNum: sequenceNum ?? 0, capabilities: capabilities ?? 0, health };
}

/** `newer` follows `older` from the same agent and changes nothing but health's status time. */
export function supersedes(older: StatusOnlyReport, newer: StatusOnlyReport): boolean {
  return (
    newer.sequenceNum === older.sequenceNum + 1 &&
    newer.capabilities === older.capabilities &&
    sameBytes(older.frame, older.uid, newer.frame, newer.uid) &&
    sameHealthButTime(older, newer)
  );
}

function sameHealthButTime(older: StatusOnlyReport, newer: StatusOnlyReport): boolean {
  if (older.health === null || newer.health === null) return older.health === newer.health;
  const [aStart, aEnd] = older.health;
  const [bStart, bEnd] = newer.health;
  let a = aStart;
  let b = bStart;
  for (;;) {
    const fa = a < aEnd ? readField(older.frame, a, aEnd) : null;
    const fb = b < bEnd ? readField(newer.frame, b, bEnd) : null;
    if (a < aEnd && fa === null) return false;
    if (b < bEnd && fb === null) return false;
    const na = fa?.number === STATUS_TIME ? null : fa;
    const nb = fb?.number === STATUS_TIME ? null : fb;
    // Status times are skipped on either side, each at its own pace.
    if (fa !== null && na === null) {
      a = fa.end;
      continue;
    }
    if (fb !== null && nb === null) {
      b = fb.end;
      continue;
    }
    if (na === null || nb === null) return na === nb;
    if (!sameBytes(older.frame, [a, na.end], newer.frame, [b, nb.end])) return false;
    a = na.end;
    b = nb.end;
  }
}

function sameBytes(a: Uint8Array, [aStart, aEnd]: readonly [number, number], b: Uint8Array, [bStart, bEnd]: readonly [number, number]): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
