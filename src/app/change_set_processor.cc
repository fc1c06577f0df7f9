#include "app/change_set_processor.h"

#include <spdlog/spdlog.h>

#include "domain/changeset/engine.h"

namespace amiplace {

FinishedChangeSet ChangeSetProcessor::Process(ChangeSet cs) {
  FinishedChangeSet out;
  const TimePoint now = clock_.Now();
  auto fault = [&](const std::string& why) {
    spdlog::error("change set {} failed with a server fault: {}", cs.id, why);
    cs.status = ChangeSetStatus::kFailed;
    cs.failure_code = FailureCode::kServerFault;
    cs.failure_description = "An internal error occurred while processing the change set; retry it";
    cs.end_time = now;
    out.change_set = std::move(cs);
    out.changed_entities.clear();
    return out;
  };
  try {
    auto owner = store_.GetAccount(cs.owner_account_id);
    if (!owner.ok()) return fault(owner.status().ToString());
    if (!owner.value()) return fault("owner account is missing");
    Status load_error;
    EntitySource source([&](std::string_view id) -> std::optional<Entity> {
      auto e = store_.GetEntity(id);
      if (!e.ok()) {
        load_error = e.status();
        return std::nullopt;
      }
      return std::move(e).value();
    });
    source.offers_of = [&](std::string_view product_id) {
      std::vector<Entity> out;
      auto offers = store_.ListEntities(kOfferType, cs.owner_account_id);
      if (!offers.ok()) {
        load_error = offers.status();
        return out;
      }
      for (Entity& e : *offers) {
        if (IndexOf(e).product_id == product_id) out.push_back(std::move(e));
      }
      return out;
    };
    source.image = [&](std::string_view region, std::string_view id) -> std::optional<Image> {
      auto img = store_.GetImage(region, id);
      if (!img.ok()) {
        load_error = img.status();
        return std::nullopt;
      }
      return std::move(img).value();
    };
    source.images_with_code = [&](std::string_view region, std::string_view code) {
      auto images = store_.ListImagesByProductCode(region, code);
      if (!images.ok()) {
        load_error = images.status();
        return std::vector<Image>();
      }
      return std::move(images).value();
    };
    ProcessOutcome outcome =
        ProcessChangeSet(cs, registry_, **owner, now, source, {.auto_approve_reviews = auto_approve_});
    if (!load_error.ok()) return fault(load_error.ToString());
    cs.status = outcome.status;
    cs.failure_code = outcome.failure_code;
    cs.failure_description = outcome.failure_description;
    if (IsTerminal(cs.status)) cs.end_time = now;
    out.change_set = std::move(cs);
    out.changed_entities = std::move(outcome.changed_entities);
    out.new_images = std::move(outcome.new_images);
    return out;
  } catch (const std::exception& e) {
    return fault(e.what());
  }
}

}  // namespace amiplace
