import { createRouter, createWebHistory } from 'vue-router';
import { loadUser, session, setSignedOutHandler } from './session';

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./components/Layout.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./pages/Home.vue') },
        { path: 'queue', name: 'queue', component: () => import('./pages/Queue.vue') },
        { path: 'map', name: 'map', component: () => import('./pages/Map.vue') },
        { path: 'qr', name: 'qr', component: () => import('./pages/QrSheet.vue') },
        { path: 'org', name: 'org', component: () => import('./pages/Org.vue') },
        { path: 'registrations', name: 'registrations', component: () => import('./pages/Registrations.vue') },
        { path: 'appeal/:id(\\d+)', name: 'appeal', component: () => import('./pages/Case.vue'), props: (r) => ({ id: Number(r.params.id) }) },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (session.user) return true;
  try {
    const u = await loadUser();
    if (!u) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  } catch {
    // Server unreachable or failing: let the layout show the error with a retry.
  }
  return true;
});

setSignedOutHandler(() => {
  const cur = router.currentRoute.value;
  if (cur.name !== 'login') router.replace({ name: 'login', query: { redirect: cur.fullPath } });
});
