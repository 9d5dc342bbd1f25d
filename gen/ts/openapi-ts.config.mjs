// @hey-api/openapi-ts configuration: `npm run generate` (make generate) writes src/generated/
// from the contract. Paths are relative to this folder, where npm runs the script.
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: '../../api/contracts/openapi.yaml',
  output: {
    path: 'src/generated',
    // moduleResolution "bundler": extension-less imports, as a Next.js app resolves them.
    tsConfigPath: 'tsconfig.json',
  },
  plugins: [
    // The Fetch client, copied into src/generated/client: no runtime dependency. Failures throw
    // (src/index.ts turns them into TodoApiError); the base URL comes from createTodoClient.
    { name: '@hey-api/client-fetch', throwOnError: true, baseUrl: false },
    // Types of every schema and operation.
    '@hey-api/typescript',
    // One class, TodoApi, with a method per operationId. auth: false because src/index.ts
    // sets the bearer token on every request itself.
    {
      name: '@hey-api/sdk',
      auth: false,
      operations: { strategy: 'single', containerName: 'TodoApi', methods: 'instance' },
    },
  ],
});
