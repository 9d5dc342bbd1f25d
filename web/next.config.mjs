// @ts-check
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

/** @type {import("next").NextConfig} */
const nextConfig = {
  // @todo-api/client (../gen/ts, linked by npm) is TypeScript source: Next.js compiles it.
  transpilePackages: ["@todo-api/client"],
  // The linked package lives outside web/, so the bundler's root is the repository.
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
