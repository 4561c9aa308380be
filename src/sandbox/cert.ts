/**
 * TLS material for the sandbox: a private CA and a server certificate it signs for 127.0.0.1 and
 * localhost. Clients trust the sandbox by adding the CA to their TLS options, never by turning
 * verification off. With a `certDir` the CA and certificate are kept on disk, so restarts of
 * `npm start` keep the CA a user has already configured; otherwise they live only in memory.
 */
import { X509Certificate } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generate } from "selfsigned";

/** PEM-encoded material the HTTPS server and its clients need. */
export interface SandboxTlsMaterial {
  /** CA certificate clients must trust (`tlsOptions: { ca }`). */
  caPem: string;
  /** Server certificate followed by the CA, as the server presents it. */
  certPem: string;
  /** Server private key. */
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const FILES = { caCert: "sandbox-ca.pem", caKey: "sandbox-ca.key", cert: "sandbox-server.pem", key: "sandbox-server.key" } as const;

async function createCa(): Promise<{ cert: string; key: string }> {
  const now = Date.now();
  const ca = await generate([{ name: "commonName", value: "aca-rollout sandbox CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 10 * 365 * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pemLine(ca.cert), key: pemLine(ca.private) };
}

async function createServerCert(ca: { cert: string; key: string }): Promise<{ cert: string; key: string }> {
  const now = Date.now();
  const leaf = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 365 * DAY_MS),
    ca,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
    ],
  });
  return { cert: pemLine(leaf.cert), key: pemLine(leaf.private) };
}

/** True when the PEM certificate is valid now and for at least another day. */
function stillValid(pem: string): boolean {
  try {
    const cert = new X509Certificate(pem);
    const now = Date.now();
    return Date.parse(cert.validFrom) <= now && Date.parse(cert.validTo) > now + DAY_MS;
  } catch {
    return false;
  }
}

/** PEM text ending in exactly one newline, so certificates can be concatenated into a chain. */
function pemLine(pem: string): string {
  return `${pem.trimEnd()}\n`;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Generates the CA and server certificate, or reuses those cached in `certDir` while valid. */
export async function loadOrCreateTlsMaterial(certDir?: string): Promise<SandboxTlsMaterial> {
  if (!certDir) {
    const ca = await createCa();
    const server = await createServerCert(ca);
    return { caPem: ca.cert, certPem: server.cert + ca.cert, keyPem: server.key };
  }
  await mkdir(certDir, { recursive: true, mode: 0o700 });
  const path = (name: keyof typeof FILES): string => join(certDir, FILES[name]);
  const [caCert, caKey, cert, key] = await Promise.all([readIfPresent(path("caCert")), readIfPresent(path("caKey")), readIfPresent(path("cert")), readIfPresent(path("key"))]);

  let ca = caCert && caKey && stillValid(caCert) ? { cert: caCert, key: caKey } : undefined;
  const caRenewed = !ca;
  if (!ca) {
    ca = await createCa();
    await writeFile(path("caKey"), ca.key, { mode: 0o600 });
    await writeFile(path("caCert"), ca.cert);
  }
  let server = !caRenewed && cert && key && stillValid(cert) ? { cert, key } : undefined;
  if (!server) {
    server = await createServerCert(ca);
    await writeFile(path("key"), server.key, { mode: 0o600 });
    await writeFile(path("cert"), server.cert);
  }
  return { caPem: pemLine(ca.cert), certPem: pemLine(server.cert) + pemLine(ca.cert), keyPem: pemLine(server.key) };
}
