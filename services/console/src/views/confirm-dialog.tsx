import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmDialogProps {
  readonly question: string;
  /** The confirming button's words (the action's label). */
  readonly confirm: string;
  /** Whether the action stops or undoes work (abort, roll back): its button is red. */
  readonly danger: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * Asks before an action that touches many agents: the question names how many. Cancel has the
 * focus when it opens, so Enter on a shared keyboard does not confirm by accident; Escape cancels.
 */
export function ConfirmDialog({ question, confirm, danger, onConfirm, onCancel }: ConfirmDialogProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <dialog
      open
      aria-modal="true"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-question"
      data-testid="confirm-dialog"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <article>
        <h2 id="confirm-title">{confirm}?</h2>
        <p id="confirm-question">{question}</p>
        <footer>
          <button type="button" class="secondary" ref={cancel} data-testid="confirm-cancel" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" class={danger ? 'danger' : undefined} data-testid="confirm-yes" onClick={onConfirm}>
            {confirm}
          </button>
        </footer>
      </article>
    </dialog>
  );
}
