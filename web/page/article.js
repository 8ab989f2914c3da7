// Every lab grows to its content's height, and the page shows its own Python.
import { connectLab } from '../embed/host.js';
for (const frame of document.querySelectorAll('iframe.lab')) connectLab(frame);
document.getElementById('python-source').textContent =
  document.getElementById('experiment').textContent.trim();
