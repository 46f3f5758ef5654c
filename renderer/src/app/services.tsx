/** The two services every screen needs (the host contract and the database), handed down by context. */

import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from '../../../src/core/api/contract';
import type { LabelLoopDatabase } from '../db/database';

export interface Services {
  readonly api: ApiClient;
  readonly db: LabelLoopDatabase;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}
