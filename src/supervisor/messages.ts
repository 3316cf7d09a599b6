// What the supervisor does with each notification an accepted child sends.
import { Methods, type PublishDiagnosticsParams } from '../ipc/protocol.js';
import { checkDiagnostics, checkLog, checkReady } from '../ipc/validate.js';
import type { ReadyInfo } from './types.js';

/** The supervisor's side of the notifications, narrowed to what they may change. */
export interface MessageHost {
  ready(info: ReadyInfo): void;
  diagnostics(params: PublishDiagnosticsParams): void;
  log(level: 'error' | 'warn' | 'info' | 'debug', message: string): void;
  /** Params that do not match the protocol: reported, dropped; the connection stays open. */
  invalid(message: string): void;
}

/**
 * Dispatch one notification. Heartbeats need nothing here (any message proves life) and
 * unknown notifications are ignored, as the protocol says.
 */
export function handleMessage(host: MessageHost, method: string, params: unknown): void {
  switch (method) {
    case Methods.publishDiagnostics: {
      const checked = checkDiagnostics(params);
      if (checked.ok) host.diagnostics(checked.value);
      else host.invalid(checked.reason);
      return;
    }
    case Methods.ready: {
      const checked = checkReady(params);
      if (!checked.ok) {
        host.invalid(checked.reason);
        return;
      }
      const { port, host: address, url } = checked.value;
      host.ready({ port, host: address ?? null, url: url ?? null });
      return;
    }
    case Methods.log: {
      const checked = checkLog(params);
      if (checked.ok) host.log(checked.value.level, checked.value.message);
      else host.invalid(checked.reason);
      return;
    }
    default:
      return;
  }
}
