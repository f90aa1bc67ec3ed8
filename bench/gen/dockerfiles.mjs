#!/usr/bin/env node
// Generates a deterministic corpus of realistic Dockerfiles, with the answer BuildKit gives for each.
//
//   node bench/gen/dockerfiles.mjs --out DIR [--files 2000] [--seed 11]
//
// Writes DIR/<service>/Dockerfile and DIR/expected.json: for every file, the normalized references
// of the images it depends on (every stage's FROM image, `COPY --from=<image>`, `RUN
// --mount=from=<image>`; not stage names, stage indexes or scratch), each with its source.
//
// Files are built from toolchain recipes (Python with uv, Node, Go cross-builds, Java, .NET, Rust, a
// static site, single-stage images) and decorated the way real monorepos are: `# syntax=`, global
// ARGs that parametrize FROM (`${VAR}`, `${VAR:-default}`, whole-image ARGs, registry ARGs),
// `--platform=$BUILDPLATFORM`, stages built on stages, `COPY --from=` stages, indexes and images,
// cache and bind mounts, heredocs (one in twenty writes an SQL file whose body has a line starting
// with `FROM`), long continuations with comment lines inside, digest pins, a registry with a port,
// lowercase and indented instructions, a FROM split over continuation lines, CRLF line endings.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, digestFrom } from '../lib/rng.mjs';
import { isMain } from '../lib/script.mjs';
import { catalogImages } from './catalog.mjs';

const CATALOG = catalogImages();
const byFamily = (family, filter = () => true) =>
  CATALOG.filter((image) => image.family === family && filter(image));

const TOOL_IMAGES = [
  { written: 'ghcr.io/astral-sh/uv:0.4.18', normalized: 'ghcr.io/astral-sh/uv:0.4.18' },
  { written: 'ghcr.io/astral-sh/uv:0.5.4', normalized: 'ghcr.io/astral-sh/uv:0.5.4' },
  { written: 'tonistiigi/xx:1.5.0', normalized: 'docker.io/tonistiigi/xx:1.5.0' },
  { written: 'golangci/golangci-lint:v1.61.0', normalized: 'docker.io/golangci/golangci-lint:v1.61.0' },
  { written: 'hashicorp/terraform:1.9', normalized: 'docker.io/hashicorp/terraform:1.9' },
  { written: 'docker/buildx-bin:0.17', normalized: 'docker.io/docker/buildx-bin:0.17' },
  { written: 'mcr.microsoft.com/dotnet/sdk:8.0', normalized: 'mcr.microsoft.com/dotnet/sdk:8.0' },
  { written: 'quay.io/prometheus/busybox:latest', normalized: 'quay.io/prometheus/busybox:latest' },
  {
    written: 'registry.acme.internal:5000/platform/certs:2024.10',
    normalized: 'registry.acme.internal:5000/platform/certs:2024.10',
  },
  { written: 'busybox', normalized: 'docker.io/library/busybox:latest' },
];

/**
 * Builds one Dockerfile: stages are added in order; global ARGs collected on the way are written
 * before the first FROM.
 */
class DockerfileBuilder {
  constructor(rng) {
    this.rng = rng;
    this.globalArgs = [];
    this.argNames = new Set();
    this.body = [];
    this.stages = [];
    this.expected = new Map(); // reference -> Set(source)
    this.style = {
      lowercase: rng.chance(0.03),
      indentFrom: rng.chance(0.03),
      splitFrom: rng.chance(0.03),
    };
  }

  kw(keyword) {
    return this.style.lowercase ? keyword.toLowerCase() : keyword;
  }

  line(text = '') {
    this.body.push(text);
  }

  expect(reference, source) {
    if (!this.expected.has(reference)) this.expected.set(reference, new Set());
    this.expected.get(reference).add(source);
  }

  globalArg(name, value) {
    if (this.argNames.has(name)) return;
    this.argNames.add(name);
    this.globalArgs.push(value === undefined ? `ARG ${name}` : `ARG ${name}=${value}`);
  }

  /**
   * How an image is written in FROM: literally, pinned by digest, or through global ARGs.
   * Returns the text and records the expected normalized reference.
   */
  imageText(image, source, { allowArgs = true } = {}) {
    const rng = this.rng;
    let text = image.written;
    let reference = image.normalized;
    if (rng.chance(0.1) && image.tag !== undefined) {
      const digest = digestFrom(rng);
      text += `@${digest}`;
      reference += `@${digest}`;
    } else if (allowArgs && image.tag !== undefined && image.repo !== undefined) {
      const varBase = image.family.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
      const mode = rng.weighted([
        ['literal', 55],
        ['tag-arg', 25],
        ['image-arg', 8],
        ['default-arg', 6],
        ['registry-arg', 6],
      ]);
      if (mode === 'tag-arg') {
        const name = `${varBase}_VERSION`;
        if (!this.argNames.has(name)) this.globalArg(name, image.tag);
        else return this.imageText(image, source, { allowArgs: false });
        text = rng.chance(0.5) ? `${image.repo}:\${${name}}` : `${image.repo}:$${name}`;
      } else if (mode === 'image-arg') {
        const name = `${varBase}_IMAGE`;
        if (!this.argNames.has(name)) this.globalArg(name, image.written);
        else return this.imageText(image, source, { allowArgs: false });
        text = `\${${name}}`;
      } else if (mode === 'default-arg') {
        const name = `${varBase}_TAG`;
        if (!this.argNames.has(name)) this.globalArg(name);
        else return this.imageText(image, source, { allowArgs: false });
        text = `${image.repo}:\${${name}:-${image.tag}}`;
      } else if (
        mode === 'registry-arg' &&
        image.repo.includes('/') &&
        image.repo.split('/')[0].includes('.')
      ) {
        const [registry, ...rest] = image.repo.split('/');
        this.globalArg('REGISTRY', registry);
        if (!this.globalArgs.includes(`ARG REGISTRY=${registry}`))
          return this.imageText(image, source, { allowArgs: false });
        text = `\${REGISTRY}/${rest.join('/')}:${image.tag}`;
      }
    }
    this.expect(reference, source);
    return text;
  }

  /** A FROM instruction on an image. Returns the stage name. */
  fromImage(image, { as, platform } = {}) {
    const text = this.imageText(image, 'from');
    this.writeFrom(text, { as, platform });
    return as;
  }

  /** A FROM instruction on an earlier stage. */
  fromStage(stage, as) {
    this.writeFrom(stage, { as });
  }

  fromScratch(as) {
    this.writeFrom('scratch', { as });
  }

  writeFrom(text, { as, platform } = {}) {
    this.stages.push(as ?? `stage-${this.stages.length}`);
    if (this.body.length > 0) this.line();
    const indent = this.style.indentFrom ? '  ' : '';
    const parts = [
      ...(platform ? [`--platform=${platform}`] : []),
      text,
      ...(as ? [`${this.rng.chance(0.85) ? 'AS' : 'as'} ${as}`] : []),
    ];
    if (this.style.splitFrom && parts.length > 1) {
      this.line(`${indent}${this.kw('FROM')} \\`);
      parts.forEach((part, i) => {
        this.line(`    ${part}${i < parts.length - 1 ? ' \\' : ''}`);
      });
    } else {
      this.line(`${indent}${this.kw('FROM')} ${parts.join(' ')}`);
    }
  }

  /** `COPY --from=<image>` of a tool binary. */
  copyFromImage(image, src, dest) {
    const flags = this.rng.chance(0.3) ? '--link ' : '';
    this.line(`${this.kw('COPY')} ${flags}--from=${image.written} ${src} ${dest}`);
    this.expect(image.normalized, 'copy');
  }

  copyFromStage(stage, src, dest) {
    const chown = this.rng.chance(0.3) ? '--chown=app:app ' : '';
    this.line(`${this.kw('COPY')} ${chown}--from=${stage} ${src} ${dest}`);
  }

  /** A long RUN with continuations, sometimes with comment lines inside. */
  runInstall(manager, packages) {
    const rng = this.rng;
    const lines = [];
    if (manager === 'apt') {
      lines.push('apt-get update');
      lines.push(`apt-get install -y --no-install-recommends ${packages.slice(0, 2).join(' ')}`);
    } else {
      lines.push(`apk add --no-cache ${packages.slice(0, 2).join(' ')}`);
    }
    const out = [`${this.kw('RUN')} set -eux; \\`];
    lines.forEach((l, i) => {
      out.push(`    ${i > 0 ? '&& ' : ''}${l} \\`);
    });
    if (rng.chance(0.4)) out.push('    # keep the image small');
    for (const pkg of packages.slice(2)) out.push(`        ${pkg} \\`);
    out.push(manager === 'apt' ? '    && rm -rf /var/lib/apt/lists/*' : '    && rm -rf /var/cache/apk/*');
    for (const l of out) this.line(l);
  }

  heredoc() {
    const rng = this.rng;
    if (rng.chance(0.25)) {
      // A heredoc whose body has a line starting with FROM: not an instruction.
      this.line(`${this.kw('COPY')} <<EOF /docker-entrypoint-initdb.d/10-views.sql`);
      this.line('CREATE VIEW active_users AS');
      this.line('SELECT id, email');
      this.line('FROM users');
      this.line('WHERE deleted_at IS NULL;');
      this.line('EOF');
    } else if (rng.chance(0.5)) {
      this.line(`${this.kw('RUN')} <<EOT bash`);
      this.line('  set -euo pipefail');
      this.line('  mkdir -p /app/data /app/tmp');
      this.line('  chown -R 10001:10001 /app');
      this.line('EOT');
    } else {
      this.line(`${this.kw('COPY')} <<-"EOF" /etc/app/config.yaml`);
      this.line('\tlisten: 0.0.0.0:8080');
      this.line('\tlog_level: info');
      this.line('\tEOF');
    }
  }

  comment(text) {
    this.line(`# ${text}`);
  }

  /** The metadata, environment and housekeeping lines most real Dockerfiles end with. */
  decorate(service) {
    const rng = this.rng;
    if (rng.chance(0.6)) {
      this.line();
      this.comment('OCI annotations');
      this.line(`${this.kw('LABEL')} org.opencontainers.image.title="${service}" \\`);
      this.line('      org.opencontainers.image.vendor="ACME Corp" \\');
      this.line(`      org.opencontainers.image.source="https://github.com/acme/${service}" \\`);
      this.line('      org.opencontainers.image.licenses="Apache-2.0"');
    }
    if (rng.chance(0.5)) {
      this.line(`${this.kw('ENV')} TZ=UTC \\`);
      this.line('    LANG=C.UTF-8 \\');
      this.line(`    APP_NAME=${service}`);
    }
    if (rng.chance(0.3)) this.line('STOPSIGNAL SIGTERM');
    if (rng.chance(0.3)) this.line('HEALTHCHECK --interval=30s --timeout=3s CMD ["/healthcheck"]');
  }

  render({ syntax, crlf }) {
    const head = [];
    if (syntax) head.push(`# syntax=docker/dockerfile:${this.rng.pick(['1', '1.7', '1.10'])}`);
    if (this.rng.chance(0.5)) head.push('# Generated for the Image Factory discovery benchmark.');
    if (this.rng.chance(0.3)) head.push('# FROM an-old-base:1.0 (kept for reference)');
    const lines = [
      ...head,
      ...this.globalArgs,
      ...(this.globalArgs.length > 0 ? [''] : []),
      ...this.body,
      '',
    ];
    return lines.join(crlf ? '\r\n' : '\n');
  }
}

const tag = (image) => image.tag;

// Toolchain recipes: each writes the stages of one kind of service.
const RECIPES = {
  python(df, rng) {
    const py = rng.pick(byFamily('python', (i) => /slim|bookworm|^3\.\d+$/.test(tag(i))));
    df.fromImage(py, { as: 'base' });
    df.line('ENV PYTHONDONTWRITEBYTECODE=1 \\');
    df.line('    PYTHONUNBUFFERED=1');
    df.line('WORKDIR /app');
    df.fromStage('base', 'builder');
    df.copyFromImage(rng.pick(TOOL_IMAGES.slice(0, 2)), '/uv /uvx', '/bin/');
    df.line('COPY pyproject.toml uv.lock ./');
    df.line(`${df.kw('RUN')} --mount=type=cache,target=/root/.cache/uv \\`);
    df.line('    uv sync --frozen --no-install-project --no-dev');
    df.line('COPY . .');
    if (rng.chance(0.3)) df.heredoc();
    if (rng.chance(0.35)) {
      df.fromImage(rng.pick(byFamily('python3-debian12')), { as: 'runtime' });
      df.copyFromStage('builder', '/app', '/app');
      df.line('ENTRYPOINT ["/app/.venv/bin/python", "-m", "service"]');
    } else {
      df.fromStage('base', 'runtime');
      df.copyFromStage(rng.chance(0.1) ? '1' : 'builder', '/app/.venv', '/app/.venv');
      df.line('COPY src/ src/');
      df.line('USER 10001');
      df.line('EXPOSE 8000');
      df.line('CMD ["/app/.venv/bin/gunicorn", "service.wsgi:app", "--bind", "0.0.0.0:8000"]');
    }
  },
  node(df, rng) {
    const node = rng.pick(byFamily('node'));
    df.fromImage(node, { as: 'deps' });
    df.line('WORKDIR /app');
    df.line('COPY package.json pnpm-lock.yaml ./');
    df.line(`${df.kw('RUN')} --mount=type=cache,id=pnpm,target=/pnpm/store \\`);
    df.line('    corepack enable && pnpm install --frozen-lockfile');
    df.fromStage('deps', 'build');
    df.line('COPY . .');
    df.line('RUN pnpm run build \\');
    df.line('    && pnpm prune --prod');
    if (rng.chance(0.25)) df.heredoc();
    const runtime = rng.chance(0.3) ? rng.pick(byFamily('nodejs22-debian12')) : node;
    df.fromImage(runtime, { as: rng.chance(0.5) ? 'runtime' : undefined });
    df.line('ENV NODE_ENV=production');
    df.copyFromStage('build', '/app/dist', '/app/dist');
    df.copyFromStage('build', '/app/node_modules', '/app/node_modules');
    df.line('USER node');
    df.line('CMD ["node", "/app/dist/main.js"]');
  },
  go(df, rng) {
    const go = rng.pick(byFamily('golang'));
    if (rng.chance(0.3)) df.fromImage(TOOL_IMAGES[2], { as: 'xx', platform: '$BUILDPLATFORM' });
    df.fromImage(go, { as: 'build', platform: rng.chance(0.7) ? '$BUILDPLATFORM' : undefined });
    if (df.stages.includes('xx')) df.copyFromStage('xx', '/', '/');
    df.line('ARG TARGETOS TARGETARCH');
    df.line('WORKDIR /src');
    df.line(`${df.kw('RUN')} --mount=type=cache,target=/go/pkg/mod \\`);
    df.line('    --mount=type=bind,source=go.sum,target=go.sum \\');
    df.line('    --mount=type=bind,source=go.mod,target=go.mod \\');
    df.line('    go mod download -x');
    if (rng.chance(0.25)) {
      df.line(
        `${df.kw('RUN')} --mount=from=${TOOL_IMAGES[3].written},source=/usr/bin/golangci-lint,target=/bin/golangci-lint \\`,
      );
      df.line('    golangci-lint run ./...');
      df.expect(TOOL_IMAGES[3].normalized, 'mount');
    }
    df.line(`${df.kw('RUN')} --mount=type=cache,target=/go/pkg/mod \\`);
    df.line('    --mount=type=bind,target=. \\');
    df.line('    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app');
    const final = rng.weighted([
      ['scratch', 30],
      ['distroless', 45],
      ['alpine', 25],
    ]);
    if (final === 'scratch') {
      df.fromScratch();
      df.copyFromImage(
        rng.pick([TOOL_IMAGES[8], TOOL_IMAGES[7]]),
        '/etc/ssl/certs/ca-certificates.crt',
        '/etc/ssl/certs/',
      );
    } else if (final === 'distroless') {
      df.fromImage(rng.pick(byFamily('static-debian12')));
    } else {
      df.fromImage(rng.pick(byFamily('alpine')));
      df.runInstall('apk', ['ca-certificates', 'tzdata']);
    }
    df.copyFromStage(rng.chance(0.15) ? String(df.stages.indexOf('build')) : 'build', '/out/app', '/app');
    df.line('USER 65532:65532');
    df.line('ENTRYPOINT ["/app"]');
  },
  java(df, rng) {
    const jdk21 = rng.chance(0.5);
    df.fromImage(rng.pick(byFamily(jdk21 ? 'maven' : 'gradle')), { as: 'build' });
    df.line('WORKDIR /workspace');
    df.line('COPY . .');
    df.line(`${df.kw('RUN')} --mount=type=cache,target=/root/.m2 \\`);
    df.line('    mvn -B -q package -DskipTests \\');
    df.line('    # skip integration tests in the image build');
    df.line('    -Dskip.it=true');
    df.fromImage(rng.pick(byFamily('eclipse-temurin', (i) => i.tag.includes('jre'))), { as: 'runtime' });
    df.runInstall('apt', ['curl', 'ca-certificates', 'fontconfig', 'tini']);
    df.copyFromStage('build', '/workspace/target/app.jar', '/app/app.jar');
    df.line('HEALTHCHECK --interval=30s CMD curl -fs http://localhost:8080/actuator/health || exit 1');
    df.line('ENTRYPOINT ["tini", "--", "java", "-jar", "/app/app.jar"]');
  },
  dotnet(df, rng) {
    df.fromImage(rng.pick(byFamily('sdk')), { as: 'build', platform: '$BUILDPLATFORM' });
    df.line('ARG TARGETARCH');
    df.line('WORKDIR /src');
    df.line('COPY *.csproj .');
    df.line('RUN dotnet restore -a $TARGETARCH');
    df.line('COPY . .');
    df.line('RUN dotnet publish -a $TARGETARCH --no-restore -o /app');
    df.fromImage(rng.pick(byFamily('aspnet')));
    df.line('WORKDIR /app');
    df.copyFromStage('build', '/app', '.');
    df.line('USER $APP_UID');
    df.line('ENTRYPOINT ["./Service"]');
  },
  rust(df, rng) {
    df.fromImage(rng.pick(byFamily('rust')), { as: 'chef' });
    df.line('RUN cargo install cargo-chef --locked');
    df.line('WORKDIR /app');
    df.fromStage('chef', 'planner');
    df.line('COPY . .');
    df.line('RUN cargo chef prepare --recipe-path recipe.json');
    df.fromStage('chef', 'builder');
    df.copyFromStage('planner', '/app/recipe.json', 'recipe.json');
    df.line('RUN cargo chef cook --release --recipe-path recipe.json');
    df.line('COPY . .');
    df.line('RUN cargo build --release --bin app');
    df.fromImage(rng.pick(byFamily('debian', (i) => i.tag.includes('slim'))), { as: 'runtime' });
    df.runInstall('apt', ['ca-certificates', 'libssl3']);
    df.copyFromStage('builder', '/app/target/release/app', '/usr/local/bin/app');
    df.line('ENTRYPOINT ["/usr/local/bin/app"]');
  },
  site(df, rng) {
    df.fromImage(rng.pick(byFamily('node', (i) => i.tag.includes('alpine'))), { as: 'build' });
    df.line('WORKDIR /site');
    df.line('COPY . .');
    df.line('RUN npm ci && npm run build');
    df.fromImage(rng.pick(byFamily('nginx')));
    if (rng.chance(0.4)) df.heredoc();
    df.copyFromStage('build', '/site/dist', '/usr/share/nginx/html');
    df.line('EXPOSE 80');
  },
  single(df, rng) {
    const family = rng.pick(['ubuntu', 'debian', 'alpine', 'busybox', 'ubi9', 'ci-base', 'php', 'ruby']);
    const candidates = byFamily(family);
    const image = rng.pick(candidates);
    if (rng.chance(0.25) && image.registry === 'docker.io') {
      // Untagged: BuildKit pulls :latest.
      df.writeFrom(image.repo);
      df.expect(`${image.repoURL}:latest`, 'from');
    } else {
      df.fromImage(image);
    }
    df.line('LABEL org.opencontainers.image.source="https://github.com/acme/tools"');
    if (family === 'alpine' || family === 'php' || family === 'busybox') {
      if (family !== 'busybox') df.runInstall('apk', ['bash', 'curl', 'jq', 'git']);
    } else {
      df.runInstall('apt', ['curl', 'jq', 'git', 'make', 'unzip']);
    }
    if (rng.chance(0.3)) df.copyFromImage(rng.pick(TOOL_IMAGES.slice(4)), '/bin/tool', '/usr/local/bin/tool');
    if (rng.chance(0.3)) df.heredoc();
    df.line('WORKDIR /work');
    df.line('CMD ["bash"]');
  },
};

const RECIPE_WEIGHTS = [
  ['python', 22],
  ['node', 20],
  ['go', 18],
  ['java', 10],
  ['dotnet', 5],
  ['rust', 5],
  ['site', 8],
  ['single', 12],
];

/**
 * Writes `files` Dockerfiles under `dir` (replaced) and `dir/expected.json`. Returns the summary and
 * the list of file paths.
 * @param {string} dir
 * @param {{ files?: number, seed?: number }} [options]
 */
export function generateDockerfiles(dir, options = {}) {
  const { files: count = 2000, seed = 11 } = options;
  const rng = createRng(seed);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const expected = {};
  const paths = [];
  let bytes = 0;
  let lines = 0;
  const recipesUsed = {};
  for (let i = 0; i < count; i++) {
    const recipe = rng.weighted(RECIPE_WEIGHTS);
    recipesUsed[recipe] = (recipesUsed[recipe] ?? 0) + 1;
    const df = new DockerfileBuilder(rng);
    RECIPES[recipe](df, rng);
    df.decorate(`${recipe}-${i}`);
    const text = df.render({ syntax: rng.chance(0.3), crlf: rng.chance(0.02) });
    const rel = `${recipe}-${String(i).padStart(4, '0')}/Dockerfile`;
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    paths.push(join(dir, rel));
    bytes += Buffer.byteLength(text);
    lines += text.split('\n').length;
    expected[rel] = [...df.expected.entries()]
      .map(([reference, sources]) => ({ reference, sources: [...sources].sort() }))
      .sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
  }
  writeFileSync(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
  return {
    summary: { dir, seed, files: count, bytes, lines, recipes: recipesUsed },
    paths,
  };
}

function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      files: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '11' },
    },
  });
  if (!values.out) {
    console.error('usage: node bench/gen/dockerfiles.mjs --out DIR [--files N] [--seed S]');
    process.exit(2);
  }
  const { summary } = generateDockerfiles(values.out, {
    files: Number(values.files),
    seed: Number(values.seed),
  });
  console.log(JSON.stringify(summary, null, 2));
}

if (isMain(import.meta.url)) main();
