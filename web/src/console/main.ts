import { createApp } from 'vue';
import { i18n, useAppMessages } from '../i18n';
import zhConsole from '../i18n/console.zh-CN';
import enConsole from '../i18n/console.en';
import App from './App.vue';
import { router } from './router';
import 'element-plus/dist/index.css';
import './theme.css';

useAppMessages('console', zhConsole, enConsole);
document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(i18n).use(router).mount('#app');
