import { createRouter, createWebHistory } from 'vue-router';
import { loadUser, session, setSignedOutHandler } from './session';
import { can, landingFor } from './nav';

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./components/Layout.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./pages/Home.vue'), meta: { perm: 'stats:read' } },
        { path: 'queue', name: 'queue', component: () => import('./pages/Queue.vue'), meta: { perm: 'appeal:read' } },
        { path: 'map', name: 'map', component: () => import('./pages/Map.vue'), meta: { perm: 'appeal:read' } },
        { path: 'qr', name: 'qr', component: () => import('./pages/QrSheet.vue'), meta: { perm: 'org:read' } },
        { path: 'org', name: 'org', component: () => import('./pages/Org.vue'), meta: { perm: 'org:read' } },
        { path: 'accounts', name: 'accounts', component: () => import('./pages/Accounts.vue'), meta: { perm: 'account:read' } },
        { path: 'registrations', name: 'registrations', component: () => import('./pages/Registrations.vue'), meta: { perm: 'resident:write' } },
        { path: 'venues', name: 'venues', component: () => import('./pages/Venues.vue'), meta: { perm: 'venue:write' } },
        { path: 'bookings', name: 'bookings', component: () => import('./pages/Bookings.vue'), meta: { perm: 'booking:manage' } },
        { path: 'activities', name: 'activities', component: () => import('./pages/Activities.vue'), meta: { perm: 'activity:manage' } },
        {
          path: 'activities/:id(\\d+)',
          name: 'activity',
          component: () => import('./pages/ActivitySignups.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'activity:manage' },
        },
        { path: 'applications', name: 'applications', component: () => import('./pages/Applications.vue'), meta: { perm: 'service:handle' } },
        {
          path: 'applications/:id(\\d+)',
          name: 'application',
          component: () => import('./pages/Application.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'service:handle' },
        },
        { path: 'service-items', name: 'service-items', component: () => import('./pages/ServiceItems.vue'), meta: { perm: 'service:catalogue' } },
        // meal assistance (助餐)
        { path: 'meal-points', name: 'meal-points', component: () => import('./pages/MealPoints.vue'), meta: { perm: 'meal:manage' } },
        { path: 'meal-enrolments', name: 'meal-enrolments', component: () => import('./pages/MealEnrolments.vue'), meta: { perm: 'meal:manage' } },
        { path: 'meal-apply', name: 'meal-apply', component: () => import('./pages/MealEnrolments.vue'), meta: { perm: 'meal:apply' } },
        { path: 'meal-orders', name: 'meal-orders', component: () => import('./pages/MealOrders.vue'), meta: { perm: 'meal:manage' } },
        { path: 'meal-statement', name: 'meal-statement', component: () => import('./pages/MealStatement.vue'), meta: { perm: 'meal:manage' } },
        { path: 'meal-coverage', name: 'meal-coverage', component: () => import('./pages/MealCoverage.vue'), meta: { perm: 'stats:read' } },
        { path: 'my-deliveries', name: 'my-deliveries', component: () => import('./pages/MyDeliveries.vue'), meta: { perm: 'meal:deliver' } },
        // public accountability
        { path: 'commitments', name: 'commitments', component: () => import('./pages/Commitments.vue'), meta: { perm: 'commitment:write|commitment:verify' } },
        {
          path: 'commitment-items/:id(\\d+)',
          name: 'commitment-item',
          component: () => import('./pages/CommitmentItem.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'commitment:write|commitment:verify' },
        },
        { path: 'supervision', name: 'supervision', component: () => import('./pages/Supervision.vue'), meta: { perm: 'commitment:verify' } },
        { path: 'projects', name: 'projects', component: () => import('./pages/Projects.vue'), meta: { perm: 'project:write|project:approve' } },
        {
          path: 'projects/:id(\\d+)',
          name: 'project',
          component: () => import('./pages/Project.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'project:write|project:approve' },
        },
        { path: 'fund', name: 'fund', component: () => import('./pages/Fund.vue'), meta: { perm: 'fund:read' } },
        { path: 'micro', name: 'micro', component: () => import('./pages/Micro.vue'), meta: { perm: 'micro:manage' } },
        // deliberation (议事协商): matters and 四议两公开, meetings, the roster, settings, the yearly review
        { path: 'matters', name: 'matters', component: () => import('./deliberation/Matters.vue'), meta: { perm: 'deliberation:write' } },
        {
          path: 'matters/:id(\\d+)',
          name: 'matter',
          component: () => import('./deliberation/Matter.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'deliberation:write' },
        },
        { path: 'meetings', name: 'meetings', component: () => import('./deliberation/Meetings.vue'), meta: { perm: 'deliberation:write' } },
        {
          path: 'meetings/:id(\\d+)',
          name: 'meeting',
          component: () => import('./deliberation/Meeting.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'deliberation:write' },
        },
        { path: 'roster', name: 'roster', component: () => import('./deliberation/Roster.vue'), meta: { perm: 'deliberation:write' } },
        { path: 'deliberation-settings', name: 'deliberation-settings', component: () => import('./deliberation/Settings.vue'), meta: { perm: 'deliberation:write' } },
        { path: 'deliberation-review', name: 'deliberation-review', component: () => import('./deliberation/Review.vue'), meta: { perm: 'deliberation:write' } },
        // area joint committees (片区型大党委) and their member organisations
        { path: 'organisations', name: 'organisations', component: () => import('./committees/Organisations.vue'), meta: { perm: 'committee:write' } },
        { path: 'committees', name: 'committees', component: () => import('./committees/Committees.vue'), meta: { perm: 'committee:write' } },
        {
          path: 'committees/:id(\\d+)',
          name: 'committee',
          component: () => import('./committees/Committee.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'committee:write' },
        },
        { path: 'audit', name: 'audit', component: () => import('./pages/Audit.vue'), meta: { perm: 'audit:read' } },
        {
          path: 'appeal/:id(\\d+)',
          name: 'appeal',
          component: () => import('./pages/Case.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
          meta: { perm: 'appeal:read' },
        },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

/* A page the account may not use sends it to the first one it may (or lets the page say so). */
function allowed(perm: unknown) {
  if (can(session.user, perm as string | undefined)) return true;
  return landingFor(session.user) ?? true;
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (session.user) return allowed(to.meta.perm);
  try {
    const u = await loadUser();
    if (!u) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  } catch {
    // Server unreachable or failing: let the layout show the error with a retry.
    return true;
  }
  return allowed(to.meta.perm);
});

setSignedOutHandler(() => {
  const cur = router.currentRoute.value;
  if (cur.name !== 'login') router.replace({ name: 'login', query: { redirect: cur.fullPath } });
});
