import '@picocss/pico/css/pico.min.css';
import './console.css';
import { render } from 'preact';
import { App } from './app';

const root = document.getElementById('console');
if (root !== null) render(<App />, root);
