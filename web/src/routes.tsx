import { type ComponentType, lazy, type LazyExoticComponent } from 'react';

import type { Me } from './api/client';
import type en from './i18n/en.json';

/**
 * Every page of the application, in one list. To add a page: write it in `pages/` with a
 * default export, add one entry here (its path, who may open it and, if it belongs in the main
 * navigation, its label key and for whom), and add its strings to the three catalogues.
 * Pages are loaded on demand, so the list can grow without growing the first download.
 */
export interface AppRoute {
  path: string;
  page: LazyExoticComponent<ComponentType>;
  /** `signedIn`: sign-in required; `signedOut`: only without a session (sign in); `public`: everyone. */
  access: 'public' | 'signedIn' | 'signedOut';
}

export interface NavigationItem {
  path: string;
  label: `nav.${keyof typeof en.nav}` | 'supplier.home.nav' | 'due.nav' | 'webhooks.nav' | 'savedSearch.nav';
  /** NavLink's `end`: highlighted only on this exact path. */
  end?: boolean;
  show?: (me: Me) => boolean;
  /** Shown without a session too (the public pages). */
  public?: boolean;
}

const isBuyer = (me: Me) => me.organisation.kind === 'buyer';
const isSupplier = (me: Me) => me.organisation.kind === 'supplier';
const tracksPilots = (me: Me) => me.organisation.kind === 'commission' || me.user.isAdmin;

export const routes: AppRoute[] = [
  { path: '/sign-in', page: lazy(() => import('./pages/SignInPage')), access: 'signedOut' },
  { path: '/statements', page: lazy(() => import('./pages/StatementsPage')), access: 'signedIn' },
  { path: '/statements/new', page: lazy(() => import('./pages/CreateStatementPage')), access: 'signedIn' },
  { path: '/statements/:statementId', page: lazy(() => import('./pages/statement/StatementPage')), access: 'signedIn' },
  { path: '/statements/:statementId/edit', page: lazy(() => import('./pages/EditStatementPage')), access: 'signedIn' },
  { path: '/statements/:statementId/survey', page: lazy(() => import('./pages/needs/SurveyPage')), access: 'signedIn' },
  { path: '/statements/:statementId/needs', page: lazy(() => import('./pages/needs/NeedsPage')), access: 'signedIn' },
  {
    path: '/statements/:statementId/needs-overview',
    page: lazy(() => import('./pages/needs/NeedsOverviewPage')),
    access: 'signedIn',
  },
  {
    path: '/statements/:statementId/survey-results',
    page: lazy(() => import('./pages/needs/SurveyResultsPage')),
    access: 'signedIn',
  },
  {
    path: '/statements/:statementId/demand',
    page: lazy(() => import('./pages/aggregate/AggregatePage')),
    access: 'signedIn',
  },
  { path: '/dashboard', page: lazy(() => import('./pages/dashboard/DashboardPage')), access: 'signedIn' },
  {
    path: '/dashboard/pilots/:statementId',
    page: lazy(() => import('./pages/dashboard/PilotPage')),
    access: 'signedIn',
  },
  {
    path: '/statements/:statementId/market',
    page: lazy(() => import('./pages/market/MarketPage')),
    access: 'signedIn',
  },
  {
    path: '/statements/:statementId/approval',
    page: lazy(() => import('./pages/approval/ApprovalPage')),
    access: 'signedIn',
  },
  {
    path: '/statements/:statementId/agreement',
    page: lazy(() => import('./pages/agreement/AgreementPage')),
    access: 'signedIn',
  },
  {
    path: '/statements/:statementId/audit',
    page: lazy(() => import('./pages/audit/AuditStatementPage')),
    access: 'signedIn',
  },
  { path: '/admin/audit', page: lazy(() => import('./pages/audit/AuditAdminPage')), access: 'signedIn' },
  { path: '/register', page: lazy(() => import('./pages/supplier/RegisterPage')), access: 'signedOut' },
  { path: '/subscription', page: lazy(() => import('./pages/supplier/SubscriptionPage')), access: 'signedIn' },
  { path: '/supplier', page: lazy(() => import('./pages/supplier/SupplierHomePage')), access: 'signedIn' },
  { path: '/webhooks', page: lazy(() => import('./pages/supplier/WebhooksPage')), access: 'signedIn' },
  { path: '/saved-searches', page: lazy(() => import('./pages/supplier/SavedSearchesPage')), access: 'signedIn' },
  { path: '/published', page: lazy(() => import('./pages/public/PublishedListPage')), access: 'public' },
  { path: '/published/:statementId', page: lazy(() => import('./pages/public/PublishedPage')), access: 'public' },
  { path: '/consultations', page: lazy(() => import('./pages/public/ConsultationsPage')), access: 'public' },
  {
    path: '/consultations/:statementId',
    page: lazy(() => import('./pages/public/ConsultationPage')),
    access: 'public',
  },
  { path: '/account', page: lazy(() => import('./pages/account/AccountSecurityPage')), access: 'signedIn' },
  { path: '/due', page: lazy(() => import('./pages/due/DuePage')), access: 'signedIn' },
  { path: '/admin/users', page: lazy(() => import('./pages/account/AdminUsersPage')), access: 'signedIn' },
  {
    path: '/admin/organisations/:organisationId',
    page: lazy(() => import('./pages/account/OrganisationAdminPage')),
    access: 'signedIn',
  },
];

export const navigation: NavigationItem[] = [
  { path: '/supplier', label: 'supplier.home.nav', show: isSupplier },
  { path: '/statements', label: 'nav.statements', end: true, show: (me) => !isSupplier(me) },
  { path: '/statements/new', label: 'nav.newStatement', show: isBuyer },
  { path: '/dashboard', label: 'nav.dashboard', show: tracksPilots },
  { path: '/due', label: 'due.nav' },
  { path: '/subscription', label: 'nav.subscription', show: isSupplier },
  { path: '/saved-searches', label: 'savedSearch.nav', show: isSupplier },
  { path: '/webhooks', label: 'webhooks.nav', show: isSupplier },
  { path: '/consultations', label: 'nav.consultations', public: true },
  // Only for visitors: a signed-in user already belongs to an organisation.
  { path: '/register', label: 'nav.register', public: true, show: () => false },
  { path: '/published', label: 'nav.published', public: true },
  { path: '/account', label: 'nav.account' },
  { path: '/admin/users', label: 'nav.adminUsers', show: (me) => me.user.isAdmin },
];

/** Where "/" and signing in lead: suppliers to their start page, Commission staff to the pilots, buyers to their statements. */
export function homePathFor(me: Me): string {
  if (isSupplier(me)) return '/supplier';
  if (me.organisation.kind === 'commission') return '/dashboard';
  return '/statements';
}
