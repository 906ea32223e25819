// Reads a cached (microdescriptor) consensus document just far enough to count usable routers.

/** Number of routers (`r` lines) whose following `s` line carries the Running flag. */
export function countRunningRouters(consensus: string): number {
  let running = 0;
  let inRouter = false;
  for (const line of consensus.split('\n')) {
    if (line.startsWith('r ')) inRouter = true;
    else if (inRouter && line.startsWith('s ')) {
      if (line.split(' ').includes('Running')) running++;
      inRouter = false;
    }
  }
  return running;
}
