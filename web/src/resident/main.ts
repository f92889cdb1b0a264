import { createApp } from 'vue';
import { i18n, useAppMessages } from '../i18n';
import zhResident from '../i18n/resident.zh-CN';
import enResident from '../i18n/resident.en';
import App from './App.vue';
import { router } from './router';
import 'vant/lib/index.css';
import './theme.css';

useAppMessages('resident', zhResident, enResident);
document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(i18n).use(router).mount('#app');
