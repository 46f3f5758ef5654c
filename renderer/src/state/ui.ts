/** UI state only (where the user is, what is selected, running imports' progress); never a copy of the database. */

import { create } from 'zustand';
import type { GallerySort } from '../db/images';
import type { ImageStatus } from '../../../src/core/images/types';
import type { ImageId, ImportId, JobId, ProjectId } from '../../../src/core/ids';
import type { RunId } from '../../../src/core/predictions/types';
import type { UserProfile } from '../../../src/core/qa/people';

export type Route =
  | { page: 'projects' }
  | { page: 'project'; projectId: ProjectId }
  | { page: 'schema'; projectId: ProjectId }
  | { page: 'versions'; projectId: ProjectId }
  | { page: 'models'; projectId: ProjectId }
  | { page: 'evaluation'; projectId: ProjectId; runId?: RunId }
  | { page: 'quality'; projectId: ProjectId }
  | { page: 'qa'; projectId: ProjectId; tab?: QaTab }
  | { page: 'image'; projectId: ProjectId; imageId: ImageId };

/** The Review & QA screen's tabs, in the order shown. */
export const QA_TABS = [
  'review',
  'assignments',
  'agreement',
  'consistency',
  'sampling',
  'audit',
  'report',
] as const;
export type QaTab = (typeof QA_TABS)[number];

export interface EditorFocus {
  readonly imageId: ImageId;
  readonly annotationId?: string;
  readonly prediction?: { readonly runId: RunId; readonly predictionId: string; readonly score?: number };
  readonly back: { readonly label: string; readonly route: Route };
}

export interface ImportProgress {
  readonly importId: ImportId;
  readonly jobId: JobId | null;
  readonly done: number;
  readonly total: number;
  readonly ratePerSecond: number;
  readonly etaSeconds: number | null;
  readonly cancelling: boolean;
}

interface UiState {
  route: Route;
  gallery: { sort: GallerySort; nameFilter: string; status: ImageStatus | 'all' };
  /** Selected image ids, plus the keyboard cursor and the anchor of shift-ranges (indices into the view). */
  selection: { ids: ReadonlySet<ImageId>; cursor: number; anchor: number };
  imports: Readonly<Record<string, ImportProgress>>;
  /** The gallery's current order, for next / previous in the viewer. */
  viewOrder: readonly ImageId[];
  /** Bumped whenever image rows of a project change, so views re-query. */
  dataVersion: number;
  /**
   * What the editor should select when it opens this image (set by a failure list before it navigates),
   * and where "back" leads.
   */
  focus: EditorFocus | null;
  /** Who is working: stamps labels, reviews and audit entries. Null until the database says. */
  user: UserProfile | null;
  setUser(user: UserProfile): void;
  setFocus(focus: EditorFocus | null): void;
  navigate(route: Route): void;
  setGallery(patch: Partial<UiState['gallery']>): void;
  setSelection(selection: UiState['selection']): void;
  setImport(projectId: ProjectId, progress: ImportProgress | null): void;
  dataChanged(): void;
  setViewOrder(ids: readonly ImageId[]): void;
}

export const routeToHash = (route: Route): string =>
  route.page === 'projects'
    ? '#/'
    : route.page === 'project'
      ? `#/projects/${route.projectId}`
      : route.page === 'schema'
        ? `#/projects/${route.projectId}/schema`
        : route.page === 'versions'
          ? `#/projects/${route.projectId}/versions`
          : route.page === 'models'
            ? `#/projects/${route.projectId}/models`
            : route.page === 'quality'
              ? `#/projects/${route.projectId}/quality`
              : route.page === 'qa'
                ? `#/projects/${route.projectId}/qa${route.tab ? `/${route.tab}` : ''}`
                : route.page === 'evaluation'
                  ? `#/projects/${route.projectId}/evaluation${route.runId ? `/${route.runId}` : ''}`
                  : `#/projects/${route.projectId}/images/${route.imageId}`;

export const hashToRoute = (hash: string): Route => {
  const image = /^#\/projects\/([^/]+)\/images\/([^/]+)$/.exec(hash);
  if (image) return { page: 'image', projectId: image[1] as ProjectId, imageId: image[2] as ImageId };
  const schema = /^#\/projects\/([^/]+)\/schema$/.exec(hash);
  if (schema) return { page: 'schema', projectId: schema[1] as ProjectId };
  const versions = /^#\/projects\/([^/]+)\/versions$/.exec(hash);
  if (versions) return { page: 'versions', projectId: versions[1] as ProjectId };
  const models = /^#\/projects\/([^/]+)\/models$/.exec(hash);
  if (models) return { page: 'models', projectId: models[1] as ProjectId };
  const qa = /^#\/projects\/([^/]+)\/qa(?:\/([a-z]+))?$/.exec(hash);
  if (qa) {
    const tab = QA_TABS.find((t) => t === qa[2]);
    return { page: 'qa', projectId: qa[1] as ProjectId, ...(tab ? { tab } : {}) };
  }
  const quality = /^#\/projects\/([^/]+)\/quality$/.exec(hash);
  if (quality) return { page: 'quality', projectId: quality[1] as ProjectId };
  const evaluation = /^#\/projects\/([^/]+)\/evaluation(?:\/([^/]+))?$/.exec(hash);
  if (evaluation)
    return {
      page: 'evaluation',
      projectId: evaluation[1] as ProjectId,
      ...(evaluation[2] ? { runId: evaluation[2] as RunId } : {}),
    };
  const project = /^#\/projects\/([^/]+)$/.exec(hash);
  if (project) return { page: 'project', projectId: project[1] as ProjectId };
  return { page: 'projects' };
};

const emptySelection = { ids: new Set<ImageId>(), cursor: 0, anchor: 0 };

export const useUi = create<UiState>((set) => ({
  route: typeof window === 'undefined' ? { page: 'projects' } : hashToRoute(window.location.hash),
  gallery: { sort: 'name-asc', nameFilter: '', status: 'all' },
  selection: emptySelection,
  imports: {},
  dataVersion: 0,
  viewOrder: [],
  focus: null,
  user: null,
  setUser: (user) => set({ user }),
  setFocus: (focus) => set({ focus }),
  navigate: (route) =>
    set((state) => {
      const leavingProject =
        route.page === 'projects' ||
        (state.route.page !== 'projects' &&
          'projectId' in route &&
          route.projectId !== state.route.projectId);
      // "Back to …" lasts while the user stays in the editor of that project; any other screen ends it.
      const focus =
        state.focus &&
        route.page === 'image' &&
        'projectId' in state.focus.back.route &&
        route.projectId === state.focus.back.route.projectId
          ? state.focus
          : null;
      return leavingProject
        ? { route, focus, selection: emptySelection, gallery: { ...state.gallery, nameFilter: '' } }
        : { route, focus };
    }),
  setGallery: (patch) =>
    set((state) => ({ gallery: { ...state.gallery, ...patch }, selection: emptySelection })),
  setSelection: (selection) => set({ selection }),
  setImport: (projectId, progress) =>
    set((state) => {
      const imports = { ...state.imports };
      if (progress) imports[projectId] = progress;
      else delete imports[projectId];
      return { imports };
    }),
  dataChanged: () => set((state) => ({ dataVersion: state.dataVersion + 1 })),
  setViewOrder: (viewOrder) => set({ viewOrder }),
}));
