# The ACL policy consul-watchdog's acl_token needs (Consul 1.8 syntax; also valid on later versions).
# Create it once, with a management token:
#   consul acl policy create -name consul-watchdog -rules @consul-watchdog-policy.hcl
#   consul acl token create -description "consul-watchdog" -policy-name consul-watchdog
# and give the watchdog the token's SecretID in a file (clusters[].acl_token: {file: ...}).

# /v1/agent/self on every server: identity, version, raft state. With a leaderless cluster a fresh server
# cannot resolve this token ("ACL not found"): configure agent_token (the agents' recovery token) as well.
agent_prefix "" {
  policy = "read"
}

# /v1/agent/members: gossip, whether a missing server is alive or failed. Without node:read the list comes
# back filtered (empty), and peers-json refuses to run without that evidence. Also the consistent read of
# /v1/catalog/nodes that verifies a recovery when the verification write is not allowed.
node_prefix "" {
  policy = "read"
}

# /v1/operator/raft/configuration?stale: the raft configuration with node names.
operator = "read"

# The verification after a recovery: a key written, read back with ?consistent, deleted.
key_prefix "consul-watchdog/verify/" {
  policy = "write"
}
