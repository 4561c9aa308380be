/**
 * Registers every entity with the Functions host, each handler loaded before its first invocation
 * (./lazy.ts). Imported wherever an entity is signalled from; the module runs once, so each entity
 * is registered once. A new entity: export its handler (no `df.app.entity` in its module) and add it below.
 */
import type { AutoRolloutRecord } from "../../entities/autoRolloutRecord.js";
import type { ChannelPace } from "../../entities/channelPace.js";
import { ENTITIES } from "../../entities/names.js";
import type { TargetRecord } from "../../entities/targetRecord.js";
import { lazyEntity } from "./lazy.js";

lazyEntity<TargetRecord>(ENTITIES.deployTarget, async () => (await import("../../entities/deployTarget.js")).deployTargetEntity);
lazyEntity<ChannelPace>(ENTITIES.notifyChannel, async () => (await import("../../entities/notifyChannel.js")).notifyChannelEntity);
lazyEntity<AutoRolloutRecord>(ENTITIES.autoRollout, async () => (await import("../../entities/autoRollout.js")).autoRolloutEntity);
