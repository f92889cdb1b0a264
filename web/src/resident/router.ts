import { createRouter, createWebHistory } from 'vue-router';
import { ensureSession } from './session';

declare module 'vue-router' {
  interface RouteMeta {
    auth?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/', component: () => import('./pages/Home.vue') },
    { path: '/login', component: () => import('./pages/Login.vue') },
    { path: '/register', component: () => import('./pages/Register.vue') },
    { path: '/report', component: () => import('./pages/Report.vue') },
    { path: '/s/:code', component: () => import('./pages/Report.vue'), props: true },
    { path: '/p/:code', component: () => import('./pages/PublicUnit.vue'), props: true },
    { path: '/m/:id(\\d+)', component: () => import('./pages/MatterThread.vue'), props: true },
    { path: '/mine', component: () => import('./pages/Mine.vue'), meta: { auth: true } },
    { path: '/appeal/:id(\\d+)', component: () => import('./pages/AppealDetail.vue'), meta: { auth: true }, props: true },
    { path: '/track', component: () => import('./pages/Track.vue') },
    { path: '/messages', component: () => import('./pages/Messages.vue'), meta: { auth: true } },
    { path: '/venues', component: () => import('./pages/Venues.vue'), meta: { auth: true } },
    { path: '/venues/:id(\\d+)', component: () => import('./pages/VenueDetail.vue'), meta: { auth: true }, props: true },
    { path: '/bookings', component: () => import('./pages/Bookings.vue'), meta: { auth: true } },
    { path: '/v/:code', component: () => import('./pages/CheckIn.vue'), meta: { auth: true }, props: (r) => ({ code: r.params.code, kind: 'venue' }) },
    { path: '/a/:code', component: () => import('./pages/CheckIn.vue'), meta: { auth: true }, props: (r) => ({ code: r.params.code, kind: 'activity' }) },
    { path: '/activities', component: () => import('./pages/Activities.vue'), meta: { auth: true } },
    { path: '/activities/mine', component: () => import('./pages/MyActivities.vue'), meta: { auth: true } },
    { path: '/activities/:id(\\d+)', component: () => import('./pages/ActivityDetail.vue'), meta: { auth: true }, props: true },
    { path: '/services', component: () => import('./pages/Services.vue'), meta: { auth: true } },
    { path: '/services/:id(\\d+)', component: () => import('./pages/ServiceApply.vue'), meta: { auth: true }, props: true },
    { path: '/applications', component: () => import('./pages/Applications.vue'), meta: { auth: true } },
    { path: '/applications/:id(\\d+)', component: () => import('./pages/ApplicationDetail.vue'), meta: { auth: true }, props: true },
    { path: '/meals', component: () => import('./pages/Meals.vue'), meta: { auth: true } },
    { path: '/meals/mine', component: () => import('./pages/MealMine.vue'), meta: { auth: true } },
    { path: '/meals/:id(\\d+)', component: () => import('./pages/MealPoint.vue'), meta: { auth: true }, props: true },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
  scrollBehavior: (_to, _from, saved) => saved || { top: 0 },
});

router.beforeEach(async (to) => {
  const u = await ensureSession();
  if (to.meta.auth && !u) return { path: '/login', query: { next: to.fullPath } };
  return true;
});
