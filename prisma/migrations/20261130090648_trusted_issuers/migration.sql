-- CreateTable
CREATE TABLE "trusted_issuers" (
    "id" UUID NOT NULL,
    "namespace_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "issuer_url" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "jwks_url" TEXT,
    "max_lifetime_sec" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trusted_issuers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trust_rules" (
    "id" UUID NOT NULL,
    "service_account_id" UUID NOT NULL,
    "issuer_id" UUID NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "conditions" JSONB NOT NULL,
    "max_lifetime_sec" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trust_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "trusted_issuers_namespace_id_issuer_url_audience_key" ON "trusted_issuers"("namespace_id", "issuer_url", "audience");

-- CreateIndex
CREATE INDEX "trust_rules_service_account_id_idx" ON "trust_rules"("service_account_id");

-- CreateIndex
CREATE INDEX "trust_rules_issuer_id_idx" ON "trust_rules"("issuer_id");

-- AddForeignKey
ALTER TABLE "trusted_issuers" ADD CONSTRAINT "trusted_issuers_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trust_rules" ADD CONSTRAINT "trust_rules_service_account_id_fkey" FOREIGN KEY ("service_account_id") REFERENCES "service_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trust_rules" ADD CONSTRAINT "trust_rules_issuer_id_fkey" FOREIGN KEY ("issuer_id") REFERENCES "trusted_issuers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
