// The Piscina worker entry: no logic of its own (see workerTask.ts).
import { runTask } from './workerTask.js';

export default runTask;
