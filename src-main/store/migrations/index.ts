import { initial } from './001-initial.js';
import { statistics } from './002-statistics.js';
import { runOwner } from './003-run-owner.js';
import { jobKinds } from './004-job-kinds.js';
import { featurePages } from './005-feature-pages.js';
import { matches } from './006-matches.js';
import { corrsteer } from './008-corrsteer.js';
import { residual } from './010-residual.js';
import { runDetails } from './009-run-details.js';
import { shards } from './011-shards.js';
import type { Migration } from './migration.js';

/** Every schema change, oldest first; a database records the ones it has in schema_migrations and user_version. */
export const MIGRATIONS: Migration[] = [initial, statistics, runOwner, jobKinds, featurePages, matches, corrsteer, runDetails, residual, shards];
