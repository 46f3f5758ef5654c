/** Renderer entry: connect to the host, open the database, render the app (or say plainly why not). */

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { App } from './app/App';
import { ServicesProvider } from './app/services';
import { openDatabase } from './db/database';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const api = createApiClient();

if ('error' in api) {
  root.render(
    <main className="page">
      <h1>LabelLoop</h1>
      <p className="error">{api.error}</p>
    </main>,
  );
} else {
  const db = openDatabase();
  db.open()
    .then(() =>
      root.render(
        <StrictMode>
          <ServicesProvider services={{ api, db }}>
            <App />
          </ServicesProvider>
        </StrictMode>,
      ),
    )
    .catch((error: unknown) =>
      root.render(
        <main className="page">
          <h1>LabelLoop</h1>
          <p className="error">The project database cannot be opened: {(error as Error).message}</p>
        </main>,
      ),
    );
}
