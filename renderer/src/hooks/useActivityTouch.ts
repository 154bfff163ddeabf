// Keyboard and mouse activity keeps the idle lock from firing while someone is at the keyboard.
// The store throttles to one session.touch per TOUCH_INTERVAL_MS, so listening to mousemove is cheap.
import { useEffect } from 'react';
import { useVaultStore } from '../stores/vaultStore';

const EVENTS = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart'] as const;

export function useActivityTouch(): void {
  useEffect(() => {
    const onActivity = () => useVaultStore.getState().touch();
    for (const e of EVENTS) window.addEventListener(e, onActivity, { passive: true, capture: true });
    return () => {
      for (const e of EVENTS) window.removeEventListener(e, onActivity, { capture: true });
    };
  }, []);
}
