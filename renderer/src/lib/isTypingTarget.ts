// Single-key shortcuts (j, k, /) must never fire while the analyst is typing or a menu has focus.
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return target.closest('[role="listbox"], [role="menu"], [role="dialog"], [role="combobox"]') !== null;
}
