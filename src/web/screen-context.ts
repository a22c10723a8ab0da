import type { Api } from './api';
import type { Session } from './api-types';
import type { LiveDirectory } from './live-directory';
import type { Connection } from './live-stream';

/** What every screen is given: the API, who is signed in, the live directory, where to draw. */
export interface ScreenContext {
  api: Api;
  session: Session;
  connection: Connection;
  directory: LiveDirectory;
  root: HTMLElement;
}
