/**
 * The example Kubernetes manifests: each document parsed with `yaml` and validated against the Kubernetes
 * API's OpenAPI schemas (kubernetes-models ships them compiled to ajv validators, so this runs offline),
 * then checked for what Tide relies on: the probes on its health routes and the server's port, the
 * settings and credentials wired by name, settings that Tide accepts, and `--once` for the CronJob.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadSettings } from '../../src/runtime/index.ts';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

interface Manifest {
  file: string;
  doc: any;
}
const manifests: Manifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(`${DIR}${file}`, 'utf8')).map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      return { file, doc: d.toJS() };
    }),
  );
const one = (kind: string) => {
  const found = manifests.filter((m) => m.doc.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!.doc;
};

describe('deploy/kubernetes', () => {
  it('holds the Deployment, Service, Secret, ConfigMap and CronJob', () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(['ConfigMap', 'CronJob', 'Deployment', 'Secret', 'Service']);
  });

  it.each(manifests.map((m) => [`${m.file} ${m.doc.kind}`, m] as const))('%s is valid against the Kubernetes API schema', (_name, { doc }) => {
    const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
    expect(Model, `${doc.apiVersion} ${doc.kind}`).toBeDefined();
    expect(() => new Model!(doc).validate()).not.toThrow();
  });

  it('the schema check rejects what the API server would (a probe without its port, a replica count as text)', () => {
    const deployment = structuredClone(one('Deployment'));
    delete deployment.spec.template.spec.containers[0].livenessProbe.httpGet.port;
    expect(() => new Deployment(deployment).validate()).toThrow(/port/);
    expect(() => new Deployment({ ...one('Deployment'), spec: { ...one('Deployment').spec, replicas: 'one' } }).validate()).toThrow(/replicas/);
  });

  it("probes Tide's health routes on the port the server listens on", () => {
    const config = one('ConfigMap').data as Record<string, string>;
    const container = one('Deployment').spec.template.spec.containers[0];
    const http = container.ports.find((p: { name: string }) => p.name === 'http');
    expect(String(http.containerPort)).toBe(config.APPLICATION__PORT);
    // Reachable from the kubelet: not the loopback address.
    expect(config.APPLICATION__HOST).toBe('0.0.0.0');
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    const service = one('Service');
    expect(service.spec.selector).toEqual(one('Deployment').spec.template.metadata.labels);
  });

  it('the Deployment and the CronJob read the ConfigMap and the Secret by name; the CronJob runs --once', () => {
    const names = { configMap: one('ConfigMap').metadata.name, secret: one('Secret').metadata.name };
    const containers = [one('Deployment').spec.template.spec.containers[0], one('CronJob').spec.jobTemplate.spec.template.spec.containers[0]];
    for (const c of containers) {
      expect(c.envFrom).toEqual([{ configMapRef: { name: names.configMap } }, { secretRef: { name: names.secret } }]);
      expect(c.volumeMounts.map((v: { mountPath: string }) => v.mountPath)).toEqual(['/app/.tide', '/tmp']);
    }
    expect(containers[1].args).toEqual(['/app', '--once']);
    expect(one('CronJob').spec.concurrencyPolicy).toBe('Forbid');
  });

  it('the ConfigMap and the Secret are settings Tide accepts, with nothing ignored', () => {
    const secret = one('Secret').stringData as Record<string, string>;
    expect(Object.keys(secret).sort()).toEqual(['OCEAN__PORT__CLIENT_ID', 'OCEAN__PORT__CLIENT_SECRET']);
    const env = { ...(one('ConfigMap').data as Record<string, string>), OCEAN__PORT__CLIENT_ID: 'id', OCEAN__PORT__CLIENT_SECRET: 'secret' };
    const result = loadSettings({ env, integrationDefaults: { type: 'my-integration', version: '0.1.0' } });
    expect(result.ok ? result.warnings : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.settings.eventListener.type).toBe('POLLING');
    expect(result.settings.application).toMatchObject({ host: '0.0.0.0', port: 8000 });
  });
});
