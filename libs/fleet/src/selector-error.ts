export type SelectorErrorCode =
  | 'selector.empty'
  | 'selector.invalid_character'
  | 'selector.invalid_string'
  | 'selector.unexpected_token'
  | 'selector.unexpected_end'
  | 'selector.empty_set';

/** A selector that does not parse, as a value; `position` is a 0-based offset into the text. */
export interface SelectorError {
  readonly code: SelectorErrorCode;
  readonly message: string;
  readonly position: number | null;
}

export function selectorError(code: SelectorErrorCode, message: string, position: number | null): SelectorError {
  return { code, message: position === null ? message : `${message} (at offset ${position})`, position };
}
