-- CreateIndex
CREATE INDEX "service_accounts_directory_user_id_idx" ON "service_accounts"("directory_user_id");
