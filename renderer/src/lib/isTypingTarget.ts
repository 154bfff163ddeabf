// Single-key shortcuts (j, k, /) must never fire while the analyst is typing or a menu is open.
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return target.closest('[role="listbox"], [role="menu"], [role="dialog"]') !== null;
}

/** Keys a focused control (button, select trigger, link) uses itself: activation and arrows. */
const WIDGET_KEYS = new Set(['Enter', ' ', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

export function isWidgetKey(target: EventTarget | null, key: string): boolean {
  if (!WIDGET_KEYS.has(key) || !(target instanceof HTMLElement)) return false;
  return target.closest('button, a[href], [role="button"], [role="combobox"], [role="checkbox"], [role="tab"]') !== null;
}
