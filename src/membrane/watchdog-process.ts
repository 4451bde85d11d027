/**
 * The watchdog process (one per server, started with the first CLI run): it keeps the CLI process
 * groups the server reports on its stdin ("+<pgid> <deadline ms>", "-<pgid>") and kills a group
 * at its deadline, and every group at once when stdin ends: the server is gone, even by SIGKILL,
 * and no CLI it started may run on for nobody.
 */
const groups = new Map<number, NodeJS.Timeout>();

function kill(pgid: number): void {
  clearTimeout(groups.get(pgid));
  groups.delete(pgid);
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

let partial = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  partial += chunk;
  const lines = partial.split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const match = /^([+-])(\d+)(?: (\d+))?$/.exec(line);
    if (!match) continue;
    const pgid = Number(match[2]);
    clearTimeout(groups.get(pgid));
    if (match[1] === '-') groups.delete(pgid);
    else
      groups.set(
        pgid,
        setTimeout(() => kill(pgid), Math.max(0, Number(match[3]) - Date.now())),
      );
  }
});
const serverGone = () => {
  for (const pgid of [...groups.keys()]) kill(pgid);
  process.exit(0);
};
process.stdin.on('end', serverGone);
process.stdin.on('error', serverGone);
