// Entry point of the renderer: global styles, then the app mounted into #app.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element to mount Allium into');
mount(App, { target });
