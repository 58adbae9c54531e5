// The e2e harness: the real standalone server (java -jar), a TCP proxy in front of it to cut the network,
// a fake microphone, and headless Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = path.join(here, 'screenshots');

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts `standalone/target/voxrelay.jar` and waits for its ready line. The free port it picks can be taken
 * by another socket before the server binds it; then it tries again with another port (3 times at most).
 * @param {Record<string, string>} env
 */
export async function startServer(env) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(env);
    } catch (e) {
      if (attempt >= 3 || !String(e).includes('Address already in use')) {
        throw e;
      }
      console.log(`[harness] the server's port was taken meanwhile; starting it again (attempt ${attempt + 1})`);
    }
  }
}

/** @param {Record<string, string>} env */
async function startServerOnce(env) {
  const jar = process.env.VOXRELAY_JAR ?? path.resolve(here, '../../standalone/target/voxrelay.jar');
  if (!existsSync(jar)) {
    throw new Error(`no server jar at ${jar}: run ./mvnw -DskipTests package first`);
  }
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), 'voxrelay-e2e-'));
  // Hazelcast's ports: the 20 from 60 above the run's first (the Java tests' forks take the 40 below), so a
  // second run moved to other ports (-Dvoxrelay.test.clusterPort) never meets this one.
  const clusterPort = Number(process.env.VOXRELAY_TEST_CLUSTER_PORT ?? 5701) + 60;
  const child = spawn('java', ['-jar', jar], {
    env: {
      ...process.env,
      OPENAI_API_KEY: '',
      VOXRELAY_UPSTREAM_URL: '',
      VOXRELAY_HTTP_PORT: String(port),
      VOXRELAY_HTTP_HOST: '127.0.0.1',
      VOXRELAY_DATA_DIR: data,
      VOXRELAY_MANAGEMENT_PORT: '0',
      VOXRELAY_CLUSTER_NAME: `voxrelay-e2e-${process.pid}-${Date.now()}`,
      VOXRELAY_CLUSTER_PORT: String(clusterPort),
      VOXRELAY_CLUSTER_MEMBERS: `127.0.0.1:${clusterPort}-${clusterPort + 19}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.join('')}`)), 90_000);
    const onData = (/** @type {Buffer} */ chunk) => {
      log.push(chunk.toString());
      if (chunk.toString().includes('[voxrelay] ready: standalone')) {
        clearTimeout(timer);
        resolve(undefined);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => log.push(chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log.join('')}`)));
  });
  return {
    port,
    log,
    // The session API's key, as an app backend on this machine reads it: the run made it in its data directory.
    apiKey: env?.VOXRELAY_API_KEY || readFileSync(path.join(data, 'api-key'), 'utf8').trim(),
    stop: () => new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', resolve);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }),
  };
}

/**
 * A TCP proxy: what the browser sees as the server. It can drop every connection (a network failure) and
 * refuse new ones (the server unreachable).
 * @param {number} targetPort
 */
export async function startProxy(targetPort) {
  const port = await freePort();
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const dropAll = () => {
    for (const s of sockets) {
      s.destroy();
    }
  };
  return {
    port,
    /** Cuts every open connection, as a lost network would (the browser sees 1006). */
    dropAll,
    /** @param {boolean} value */
    refuse(value) {
      refusing = value;
    },
    close: () => new Promise((resolve) => {
      dropAll();
      server.close(() => resolve(undefined));
    }),
  };
}

/** A WAV file the fake microphone loops: 1.5 s of voiced tone, then 1.5 s of silence. */
export function speechWav() {
  const rate = 48_000;
  const samples = rate * 3;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < rate * 1.5; i++) {
    const t = i / rate;
    const envelope = 0.25 + 0.15 * Math.sin(2 * Math.PI * 4 * t);
    const v = (0.6 * Math.sin(2 * Math.PI * 160 * t) + 0.3 * Math.sin(2 * Math.PI * 320 * t)) * envelope;
    data.writeInt16LE(Math.round(v * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'voxrelay-mic-')), 'speech.wav');
  writeFileSync(file, Buffer.concat([header, data]));
  return file;
}

/** Debian's Chromium (the browser tests never download one), or null when it is not installed. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return /** @type {string | undefined} */ (candidates.find((p) => existsSync(/** @type {string} */ (p)))) ?? null;
}

/**
 * Whether the browser tests can run here: false, or the reason they are skipped. Under CI a missing Chromium
 * is an error, never a skip.
 * @returns {false | string}
 */
export function browserSkip() {
  if (chromiumPath()) {
    return false;
  }
  if (process.env.CI === 'true') {
    throw new Error('CI must run the browser tests: install Debian\'s chromium');
  }
  return 'Chromium is not installed (apt-get install chromium)';
}

/** Chromium's flags for a headless run on a closed network, with a fake microphone. */
export function chromiumArgs(wav) {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required'];
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}
