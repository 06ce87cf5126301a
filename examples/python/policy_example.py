#!/usr/bin/env python3
"""Calls the management plane's PolicyService from Python through grpcio stubs generated from proto/.

    python3 -m grpc_tools.protoc -I ../../proto -I <grpc_tools>/_proto \
        --python_out=gen --grpc_python_out=gen \
        ../../proto/auraison/mp/v1/common.proto ../../proto/auraison/mp/v1/policy_service.proto
    MP_API_KEY=mpk_... python3 policy_example.py --stubs gen --role notebook

The API key is exchanged for an access token at the tenant registry (POST /api/v1/auth/token); the token
travels as `authorization: Bearer <token>` metadata with every call. Prints one JSON object.
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def access_token(registry_url: str, api_key: str) -> dict:
    req = urllib.request.Request(
        registry_url.rstrip("/") + "/api/v1/auth/token",
        data=json.dumps({"api_key": api_key}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:
        sys.exit(f"the tenant registry refused the API key (HTTP {e.code}): {e.read().decode()[:300]}")
    except urllib.error.URLError as e:
        sys.exit(f"cannot reach the tenant registry at {registry_url}: {e.reason}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stubs", required=True, help="directory with the generated *_pb2.py modules")
    p.add_argument("--address", default=os.environ.get("MP_POLICY_GRPC_ADDRESS", "127.0.0.1:50051"))
    p.add_argument("--registry", default=os.environ.get("MP_TENANT_REGISTRY_URL", "http://127.0.0.1:3001"))
    p.add_argument("--role", default="notebook")
    p.add_argument("--job", default="py-example-job-1")
    args = p.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc  # noqa: E402
    from auraison.mp.v1 import common_pb2, policy_service_pb2, policy_service_pb2_grpc  # noqa: E402

    api_key = os.environ.get("MP_API_KEY")
    if not api_key:
        sys.exit("set MP_API_KEY to an API key of the tenant (mpk_...)")
    token = access_token(args.registry, api_key)
    metadata = [("authorization", f"Bearer {token['access_token']}")]
    env = common_pb2.ENVIRONMENT_TORCH_DEV_GPU

    with grpc.insecure_channel(args.address) as channel:
        stub = policy_service_pb2_grpc.PolicyServiceStub(channel)
        try:
            scope = stub.GetToolScope(
                policy_service_pb2.GetToolScopeRequest(agent_role=args.role, environment=env),
                metadata=metadata, timeout=10,
            ).scope
            config = stub.GetAgentConfig(
                policy_service_pb2.GetAgentConfigRequest(agent_role=args.role, job_id=args.job, environment=env),
                metadata=metadata, timeout=10,
            )
            admission = stub.AdmitJob(
                policy_service_pb2.AdmitJobRequest(
                    job_id=args.job, environment=env, gpu_count=1, max_duration_s=600,
                    estimated_tokens=1000, agent_role=args.role,
                ),
                metadata=metadata, timeout=10,
            )
            quota = stub.GetQuota(policy_service_pb2.GetQuotaRequest(), metadata=metadata, timeout=10)
        except grpc.RpcError as e:
            sys.exit(f"PolicyService call failed: {e.code().name}: {e.details()}")

    print(json.dumps({
        "tenant_id": token["tenant_id"],
        "allowed_tools": scope.allowed_tools,
        "scope_version": scope.scope_version,
        "model": config.model,
        "admitted": admission.admitted,
        "reservation_id": admission.reservation_id,
        "jobs_in_flight": quota.jobs_in_flight,
        "gpu_hours_remaining": quota.gpu_hours_remaining,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
