"""NodeOrderSyncEffect - ONEX v2.0 effect node that synchronises orders."""

from typing import Any

from omnibase_core.enums.enum_log_level import EnumLogLevel
from omnibase_core.errors import ModelOnexError
from omnibase_core.logging.structured import emit_log_event
from omnibase_core.mixins.mixin_health_check import MixinHealthCheck
from omnibase_core.mixins.mixin_metrics import MixinMetrics
from omnibase_core.nodes.node_effect import NodeEffect

from .models import ModelOrderBatch, ModelOrderList, ModelOrderQuery, ModelStoreReport


class NodeOrderSyncEffect(NodeEffect, MixinHealthCheck, MixinMetrics):
    """Synchronise orders with the warehouse service."""

    def __init__(self, container: Any) -> None:
        """Create the node from its dependency container."""
        super().__init__(container)
        self._client = container.resolve("warehouse_client")

    async def initialize(self) -> None:
        """Connect to the warehouse."""
        await super().initialize()
        emit_log_event(EnumLogLevel.INFO, "order sync ready", {"node": "order_sync"})

    async def shutdown(self) -> None:
        """Close the warehouse connection."""
        await self._client.close()

    async def execute_effect(self, contract: Any) -> dict[str, Any]:
        """Run the operation the contract names."""
        operation = contract.operation
        if operation == "fetch_orders":
            result = await self.fetch_orders(contract.input)
        elif operation == "store_orders":
            result = await self.store_orders(contract.input)
        else:
            raise ModelOnexError(f"unknown operation {operation}")
        emit_log_event(EnumLogLevel.INFO, "order sync done", {"operation": operation})
        return {"operation": operation, "result": result}

    async def fetch_orders(self, query: ModelOrderQuery) -> ModelOrderList:
        """Read the open orders."""
        try:
            rows = await self._client.get("/orders", params={"status": query.status})
        except ConnectionError as exc:
            raise ModelOnexError("warehouse unreachable") from exc
        return ModelOrderList(orders=rows)

    async def store_orders(self, batch: ModelOrderBatch) -> ModelStoreReport:
        """Write a batch of orders."""
        accepted = 0
        for order in batch.orders:
            if not order.valid:
                emit_log_event(EnumLogLevel.WARNING, "order rejected", {"id": order.id})
                continue
            await self._client.post("/orders", json=order.dict())
            accepted += 1
        return ModelStoreReport(accepted=accepted, rejected=len(batch.orders) - accepted)
