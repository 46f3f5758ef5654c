/** Preload: exposes exactly the contract (one function per call) and job events, nothing of Node or IPC. */

import { contextBridge, ipcRenderer } from 'electron';
import { CALL_NAMES, type AnyJobEvent } from '../src/core/api/contract';

const calls = Object.fromEntries(
  CALL_NAMES.map((name) => [name, (args: unknown) => ipcRenderer.invoke(`labelloop:${name}`, args)]),
);

contextBridge.exposeInMainWorld('labelloop', {
  calls,
  onJobEvent(listener: (event: AnyJobEvent) => void) {
    const forward = (_event: unknown, jobEvent: AnyJobEvent) => listener(jobEvent);
    ipcRenderer.on('labelloop:job-event', forward);
    return () => {
      ipcRenderer.removeListener('labelloop:job-event', forward);
    };
  },
});
