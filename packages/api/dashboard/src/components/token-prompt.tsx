import { useState } from 'preact/hooks';
import { token } from '../connection.js';
import { Dialog } from './dialog.js';

/** Shown when the API answers 401: the token is kept for this browser tab only (sessionStorage). */
export function TokenPrompt({
  reason,
  onSaved,
  onCancel,
}: {
  reason: string;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState('');
  return (
    <Dialog
      title="This server needs an API token"
      confirmLabel="Use token"
      onCancel={onCancel}
      onConfirm={() => {
        if (value.trim() === '') return;
        token.set(value.trim());
        onSaved();
      }}
    >
      <p>{reason}</p>
      <p class="muted">
        Ask whoever runs steptrail for a token with the <code>read</code> scope (<code>write</code> to retry
        or mark duplicates, <code>admin</code> to delete). It is kept in this tab only.
      </p>
      <label class="field">
        <span>Bearer token</span>
        <input
          type="password"
          autoComplete="off"
          required
          autoFocus
          value={value}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
      </label>
    </Dialog>
  );
}
