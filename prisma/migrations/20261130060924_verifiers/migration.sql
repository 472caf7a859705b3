-- CreateTable
CREATE TABLE "state_changes" (
    "id" BIGSERIAL NOT NULL,
    "version" BIGINT NOT NULL,
    "entity" TEXT NOT NULL,
    "entity_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "state_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "verifiers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "credential_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_seen_at" TIMESTAMPTZ(3),
    "last_address" TEXT,
    "state_version" BIGINT,

    CONSTRAINT "verifiers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "state_changes_version_idx" ON "state_changes"("version");

-- CreateIndex
CREATE UNIQUE INDEX "verifiers_credential_hash_key" ON "verifiers"("credential_hash");
