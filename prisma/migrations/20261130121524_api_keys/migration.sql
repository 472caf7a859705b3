-- AlterTable
ALTER TABLE "grants" ADD COLUMN     "service_account_id" UUID;

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "role_cap" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_user_id_idx" ON "api_keys"("user_id");

-- CreateIndex
CREATE INDEX "grants_service_account_id_idx" ON "grants"("service_account_id");

-- CreateIndex
CREATE UNIQUE INDEX "grants_namespace_id_service_account_id_key" ON "grants"("namespace_id", "service_account_id");

-- AddForeignKey
ALTER TABLE "grants" ADD CONSTRAINT "grants_service_account_id_fkey" FOREIGN KEY ("service_account_id") REFERENCES "service_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A grant names exactly one subject: a console user, a directory group or a service account.
ALTER TABLE "grants" DROP CONSTRAINT "grants_subject_check";
ALTER TABLE "grants" ADD CONSTRAINT "grants_subject_check" CHECK (num_nonnulls("user_id", "group_name", "service_account_id") = 1);

-- A key's role cap is one of the console roles.
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_role_cap" CHECK ("role_cap" IN ('viewer', 'manager', 'admin'));
