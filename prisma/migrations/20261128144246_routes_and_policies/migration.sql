-- CreateTable
CREATE TABLE "policies" (
    "id" UUID NOT NULL,
    "namespace_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enforced" BOOLEAN NOT NULL DEFAULT false,
    "explanation" TEXT NOT NULL DEFAULT '',
    "remediation" TEXT NOT NULL DEFAULT '',
    "ppl" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routes" (
    "id" UUID NOT NULL,
    "namespace_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "path_prefix" TEXT NOT NULL DEFAULT '/',
    "to_urls" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "routes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "route_policies" (
    "route_id" UUID NOT NULL,
    "policy_id" UUID NOT NULL,

    CONSTRAINT "route_policies_pkey" PRIMARY KEY ("route_id","policy_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "policies_namespace_id_name_key_key" ON "policies"("namespace_id", "name_key");

-- CreateIndex
CREATE INDEX "routes_namespace_id_idx" ON "routes"("namespace_id");

-- CreateIndex
CREATE UNIQUE INDEX "routes_host_path_prefix_key" ON "routes"("host", "path_prefix");

-- CreateIndex
CREATE INDEX "route_policies_policy_id_idx" ON "route_policies"("policy_id");

-- AddForeignKey
ALTER TABLE "policies" ADD CONSTRAINT "policies_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "routes" ADD CONSTRAINT "routes_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "route_policies" ADD CONSTRAINT "route_policies_route_id_fkey" FOREIGN KEY ("route_id") REFERENCES "routes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "route_policies" ADD CONSTRAINT "route_policies_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
