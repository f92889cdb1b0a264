import { createRouter, createWebHistory } from 'vue-router';

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/', component: () => import('./pages/Home.vue') },
  ],
});
