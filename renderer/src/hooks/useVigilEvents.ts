// One subscription to core events for the whole app. A vault event (idle lock, lock from the menu
// or another window) replaces the status, which switches the view.
import { useEffect } from 'react';
import { onVigilEvent } from '../api/client';
import { useAppStore } from '../stores/appStore';
import { useVaultStore } from '../stores/vaultStore';

export function useVigilEvents(): void {
  useEffect(
    () =>
      onVigilEvent((event) => {
        switch (event.type) {
          case 'vault':
            useVaultStore.getState().apply(event.status);
            break;
          case 'connectivity':
            useAppStore.getState().setConnectivity(event.connectivity);
            break;
        }
      }),
    [],
  );
}
