import { createApp } from 'vue';
import { i18n } from '../i18n';
import App from './App.vue';
import { router } from './router';
import 'element-plus/dist/index.css';
import './theme.css';

document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(i18n).use(router).mount('#app');
