/** The compiled catalogs the Vite plugin serves (vite.config.ts, i18n-catalogs.ts). */
declare module 'virtual:callflow-catalog/*' {
  import type { Messages } from '@lingui/core';
  export const messages: Messages;
}
