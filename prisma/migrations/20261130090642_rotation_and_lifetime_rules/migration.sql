-- AlterTable
ALTER TABLE "service_accounts" ADD COLUMN     "disabled_reason" TEXT,
ADD COLUMN     "enabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "generation" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "previous_valid_until" TIMESTAMPTZ(3),
ADD COLUMN     "rotated_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "lifetime_rules" (
    "namespace_id" TEXT NOT NULL,
    "max_lifetime_days" INTEGER,
    "disable_unused_days" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lifetime_rules_pkey" PRIMARY KEY ("namespace_id")
);

-- AddForeignKey
ALTER TABLE "lifetime_rules" ADD CONSTRAINT "lifetime_rules_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
