/** The starter config `buildsecrets init` writes: valid as written, every line explained. */
export const STARTER_CONFIG = `# buildsecrets.yaml — which secrets a build needs, where they live, and how they reach the build.
# Reference: https://github.com/buildsecrets/buildsecrets#config-reference
# Editor completion: buildsecrets schema > buildsecrets.schema.json
version: 1

# Named provider instances. \`use\` is a built-in (env, keywhiz, vault, aws, gcp, exec, sneaker, ssm),
# an npm package name (resolved from this file's directory), or a relative path to a plugin.
providers:
  local:
    use: env
  # ci-vault:
  #   use: vault                       # npm install --save-dev @buildsecrets/provider-vault
  #   options:
  #     address: https://vault.example:8200
  #     auth: { method: approle, roleId: "\${VAULT_ROLE_ID}", secretId: "\${VAULT_SECRET_ID}" }

# Secrets by the id the Dockerfile mounts:
#   RUN --mount=type=secret,id=npm_token,required=true  cat /run/secrets/npm_token
secrets:
  npm_token:
    from: local                        # a provider above
    ref: NPM_TOKEN                     # the provider's address (here: an environment variable)
    # key: token                       # pick a field out of a JSON secret
    # inject: secret-mount             # secret-mount (default) | ssh-agent | served-file | build-arg
    # cache: keyed                     # re-run the steps using it when it rotates: off (default) | version | keyed.
    #                                  # Declare the rev ARG in each stage, just above the RUN that mounts it:
    #                                  #   ARG BUILDSECRETS_REV_NPM_TOKEN
    #                                  #   RUN --mount=type=secret,id=npm_token,required=true npm ci
  # cache_key: { from: local, ref: BUILDSECRETS_CACHE_KEY, inject: none }   # keys cache: keyed (openssl rand -hex 32)
  # deploy_key: { from: ci-vault, ref: secret/ci/deploy, key: private_key, inject: ssh-agent }
  # http_proxy: { from: local, ref: CORP_PROXY, inject: build-arg, buildArg: HTTP_PROXY }

build:
  docker: docker                       # the docker binary (also --docker, BUILDSECRETS_DOCKER)
  audit: true                          # scan the built image for every resolved value (true | warn | false)
  # cache: off                         # default \`cache\` of secret-mount / ssh-agent secrets (off | version | keyed)
  # cacheKeyFrom: cache_key            # the inject: none secret whose value keys \`cache: keyed\` HMACs
`;
