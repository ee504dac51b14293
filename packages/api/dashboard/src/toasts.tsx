import { useEffect, useState } from 'preact/hooks';

// Short messages about what an action did, announced to screen readers through an aria-live region.

export interface Toast {
  id: number;
  text: string;
  tone: 'good' | 'bad' | 'info';
}

type Listener = (toasts: Toast[]) => void;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

const publish = (): void => listeners.forEach((listener) => listener(toasts));

export function toast(text: string, tone: Toast['tone'] = 'info'): void {
  const id = nextId++;
  toasts = [...toasts, { id, text, tone }].slice(-4);
  publish();
  window.setTimeout(() => dismiss(id), tone === 'bad' ? 10_000 : 5000);
}

function dismiss(id: number): void {
  toasts = toasts.filter((item) => item.id !== id);
  publish();
}

export function Toasts() {
  const [items, setItems] = useState<Toast[]>(toasts);
  useEffect(() => {
    listeners.add(setItems);
    return () => listeners.delete(setItems);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {items.map((item) => (
        <div key={item.id} class={`toast tone-${item.tone}`}>
          <span>{item.text}</span>
          <button type="button" class="link-button" onClick={() => dismiss(item.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
