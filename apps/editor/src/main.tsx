import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App';
import { restoreSession } from './api/client';
import { startI18n, useLocale } from './i18n/i18n';
import { startTheme } from './ui/theme';

// The editor's CSP has no 'unsafe-eval'. Zod (the flow schemas, in the lazily loaded canvas chunk)
// would build its object parsers with `new Function` after probing for eval, a probe the browser
// reports as a CSP violation; its `jitless` setting avoids both. It must be set before the first
// schema is built, so it goes through the global every zod copy reads its settings from
// (zod/v4/core: globalThis.__zod_globalConfig), leaving zod out of the start-up chunk.
(globalThis as { __zod_globalConfig?: { jitless?: boolean } }).__zod_globalConfig = { jitless: true };

// Light or dark before the first paint: the user's choice, else the system's setting.
startTheme();

// The session lives in memory: a reload asks the server for it again (the refresh cookie).
void restoreSession();

// A language switch renders the UI again in place (not remounted: an unsaved draft or an open dialog stays).
// Memoised parts that show text (the canvas' nodes) subscribe with useLocale() themselves.
function Root() {
  useLocale();
  return <App />;
}

// The language's catalog (a small chunk) arrives before the first render, so no text flashes in English.
void startI18n().then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  ),
);
