/** The Stacks and sources tables: a page of what the user may see. */
import type { AccessReviewer } from '../access.ts';
import type { DashboardCache } from '../cache.ts';
import type { Page, SourceRow, StackRow } from '../model.ts';
import { pageOf, type ParsedQuery } from '../query.ts';
import { visibleSources, visibleStacks } from './visible.ts';

type Query = Extract<ParsedQuery, { ok: true }>['query'];

export async function stacksPage(cache: DashboardCache, access: AccessReviewer, query: Query): Promise<Page<StackRow>> {
  return pageOf(await visibleStacks(cache, access), query);
}

export async function sourcesPage(cache: DashboardCache, access: AccessReviewer, query: Query): Promise<Page<SourceRow>> {
  return pageOf(await visibleSources(cache, access), query);
}
