import net from 'node:net';

/** redis-server's own CPU time so far (used_cpu_user + used_cpu_sys of `INFO cpu`), in µs. */
export function readRedisCpuMicros(redisUrl: string): Promise<number> {
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('redis INFO timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('INFO cpu\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      const header = /^\$(\d+)\r\n/.exec(reply);
      if (!header || Buffer.byteLength(reply) < header[0].length + Number(header[1])) return;
      socket.end();
      const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(reply)?.[1] ?? Number.NaN);
      resolve(Math.round((seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6));
    });
  });
}
